import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { RequireSignIn } from './components/auth';
import { Layout } from './components/layout';
import { AcceptInvitationPage } from './pages/accept-invitation';
import { AccountPage } from './pages/account';
import { AuditPage } from './pages/audit';
import { ImpersonationPage } from './pages/impersonation';
import { OpenSharePage } from './pages/open-share';
import { PlaygroundPage } from './pages/playground';
import { SignInPage } from './pages/sign-in';
import { TenantPage } from './pages/tenant';
import { TenantsPage } from './pages/tenants';
import './styles.css';

const router = createBrowserRouter([
  { path: '/sign-in', element: <SignInPage /> },
  // Public: the invited person may not have an account yet; a public share link needs none.
  { path: '/invitations/accept', element: <AcceptInvitationPage /> },
  { path: '/s/:token', element: <OpenSharePage /> },
  {
    element: (
      <RequireSignIn>
        <Layout />
      </RequireSignIn>
    ),
    children: [
      { index: true, element: <Navigate to="/tenants" replace /> },
      { path: 'tenants', element: <TenantsPage /> },
      { path: 'tenants/:tenantId/*', element: <TenantPage /> },
      { path: 'audit-trail', element: <AuditPage /> },
      { path: 'impersonation', element: <ImpersonationPage /> },
      { path: 'playground', element: <PlaygroundPage /> },
      { path: 'account', element: <AccountPage /> },
      { path: '*', element: <p>No such page.</p> },
    ],
  },
]);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <RouterProvider router={router} />
  </StrictMode>,
);
