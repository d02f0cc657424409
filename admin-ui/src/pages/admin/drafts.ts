import { useSyncExternalStore } from 'react';

/**
 * The editor's unpublished texts by `kind/name`, kept for the page's lifetime (not in localStorage: a draft is
 * work in progress of this tab), so the simulation page can run the draft and the editor finds it again.
 */
let drafts: Record<string, string> = {};
const listeners = new Set<() => void>();

export function setDrafts(update: (all: Record<string, string>) => Record<string, string>): void {
  drafts = update(drafts);
  listeners.forEach((l) => l());
}

export function useDrafts(): Record<string, string> {
  return useSyncExternalStore((l) => { listeners.add(l); return () => listeners.delete(l); }, () => drafts);
}
