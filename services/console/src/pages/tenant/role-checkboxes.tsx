import { Field } from '../../components/ui';

const VISUALLY_HIDDEN = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' } as const;

/** One checkbox per tenant role; in a table row the legend is for screen readers only (the column says "Roles"). */
export function RoleCheckboxes({ roles, value, onChange, legend = 'Roles', hideLegend = false }: { roles: string[]; value: string[]; onChange: (next: string[]) => void; legend?: string; hideLegend?: boolean }) {
  const toggle = (role: string, on: boolean) => onChange(on ? [...value, role] : value.filter((r) => r !== role));
  return (
    <fieldset className="row" style={{ border: 'none', padding: 0, margin: '0 0 0.75rem' }}>
      <legend className="muted" style={hideLegend ? VISUALLY_HIDDEN : undefined}>
        {legend}
      </legend>
      {roles.map((role) => (
        <Field key={role} label={role}>
          <input type="checkbox" checked={value.includes(role)} onChange={(e) => toggle(role, e.target.checked)} />
        </Field>
      ))}
    </fieldset>
  );
}

export const sameRoles = (a: string[], b: string[]) => a.length === b.length && a.every((role) => b.includes(role));
