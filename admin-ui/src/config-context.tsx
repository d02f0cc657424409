import { createContext, useContext } from 'react';
import type { Config, User } from './types';

export interface Session {
  user: User; config: Config | null;
  /** Fetches the published configuration again (after a publish or rollback). */
  reloadConfig?: () => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export const isAdmin = (user: User) => user.roles.includes('admin');
