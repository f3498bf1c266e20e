import { invitationLink, type IssuedInvitation } from '../../api/tenancy';
import { CopyButton, Notice, Time } from '../../components/ui';

/** The token exists only in this answer: shown once, for the admin to pass on. */
export function InvitationLinkNotice({ issued, onDismiss }: { issued: IssuedInvitation; onDismiss: () => void }) {
  const link = invitationLink(issued.token);
  return (
    <Notice>
      <p>
        Invitation link for <strong>{issued.email}</strong> (expires <Time iso={issued.expires_at} />). Copy it now: it is not shown again.
      </p>
      <p className="row" style={{ alignItems: 'center' }}>
        <code data-testid="invitation-link">{link}</code>
        <CopyButton text={link} label="Copy link" />
        <button type="button" className="secondary" onClick={onDismiss}>
          Done
        </button>
      </p>
    </Notice>
  );
}
