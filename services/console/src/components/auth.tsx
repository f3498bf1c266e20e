import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { loadCapabilities, type Capabilities } from '../api/capabilities';
import { identity, type Me } from '../api/identity';
import { session, type Session } from '../api/session';
import { useLoad } from './use-load';

export function useSession(): Session | undefined {
  const [current, setCurrent] = useState(session.get());
  useEffect(() => session.subscribe(setCurrent), []);
  return current;
}

interface Viewer {
  /** Who the console acts as (the impersonated user while an impersonation lasts). */
  me?: Me;
  capabilities?: Capabilities;
  reload: () => void;
}

const ViewerContext = createContext<Viewer>({ reload: () => undefined });
export const useViewer = () => useContext(ViewerContext);

/** Pages below need a signed-in user; the viewer (who, and what they may do) is loaded once per bearer. */
export function RequireSignIn({ children }: { children: ReactNode }) {
  const current = useSession();
  const location = useLocation();
  const bearer = current?.impersonation?.access_token ?? current?.tokens.access_token;
  const me = useLoad(() => (bearer ? identity.me() : Promise.resolve(undefined)), [bearer]);
  const capabilities = useLoad(() => (bearer ? loadCapabilities() : Promise.resolve(undefined)), [bearer]);
  if (!current) return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  return (
    <ViewerContext.Provider value={{ me: me.data, capabilities: capabilities.data, reload: () => (me.reload(), capabilities.reload()) }}>
      {children}
    </ViewerContext.Provider>
  );
}
