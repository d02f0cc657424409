import { createContext, useContext } from 'react';
import type { Config, User } from './types';

export interface Session { user: User; config: Config | null }

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

export const isAdmin = (user: User) => user.roles.includes('admin');
