import { invitationLink, type IssuedInvitation } from '../../api/tenancy';
import { CopyButton, Notice, Time } from '../../components/ui';

/**
 * What became of the invitation's link: mailed to the invited address (the usual case), not sent (resend), or — in
 * development without SMTP only — here, shown once for the admin to pass on.
 */
export function InvitationLinkNotice({ issued, onDismiss }: { issued: IssuedInvitation; onDismiss: () => void }) {
  const done = (
    <button type="button" className="secondary" onClick={onDismiss}>
      Done
    </button>
  );
  if (issued.delivery !== 'response' || !issued.token) {
    return (
      <Notice>
        <p data-testid="invitation-delivery">
          {issued.delivery === 'mail_failed'
            ? <>The invitation to <strong>{issued.email}</strong> was saved, but its mail could not be sent: resend it to try again.</>
            : <>The invitation link was mailed to <strong>{issued.email}</strong> (expires <Time iso={issued.expires_at} />); only that address receives it.</>}
        </p>
        <p className="row">{done}</p>
      </Notice>
    );
  }
  const link = invitationLink(issued.token);
  return (
    <Notice>
      <p>
        Invitation link for <strong>{issued.email}</strong> (expires <Time iso={issued.expires_at} />). No mail server is configured (development), so copy it
        now: it is not shown again.
      </p>
      <p className="row" style={{ alignItems: 'center' }}>
        <code data-testid="invitation-link">{link}</code>
        <CopyButton text={link} label="Copy link" />
        {done}
      </p>
    </Notice>
  );
}
