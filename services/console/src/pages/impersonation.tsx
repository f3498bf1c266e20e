import { useSession, useViewer } from '../components/auth';
import { Loading, Notice, Page } from '../components/ui';
import { ImpersonationSessionsCard } from './impersonation/sessions-card';
import { StartImpersonationCard } from './impersonation/start-card';

/** Platform admins act as another user for a while, with a reason; admins and auditors review every such session. */
export function ImpersonationPage() {
  const { capabilities } = useViewer();
  const active = useSession()?.impersonation;
  return (
    <Page title="Impersonation">
      {active ? (
        // Checked before the capabilities: while impersonating they are the target's, and an impersonation token cannot start another.
        <Notice>
          You are impersonating <strong>{active.target_user.email}</strong>. End this impersonation (banner above) before starting another;
          sessions are listed with your own account.
        </Notice>
      ) : !capabilities ? (
        <Loading what="your permissions" />
      ) : (
        <>
          {capabilities.impersonate && <StartImpersonationCard />}
          {capabilities.readImpersonations && <ImpersonationSessionsCard />}
          {!capabilities.impersonate && !capabilities.readImpersonations && <p className="muted">You may neither impersonate users nor see impersonation sessions.</p>}
        </>
      )}
    </Page>
  );
}
