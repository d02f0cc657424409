import { DomainError } from '../errors.js';

/** Maker-checker state of a record of an entity with `review: {required: true}`; kept beside the data. */
export interface ReviewState {
  state: 'unreviewed' | 'first_reviewed' | 'reviewed';
  firstReviewer: string | null;
  firstReviewedAt: string | null;
  secondReviewer: string | null;
  secondReviewedAt: string | null;
}

export type ReviewStage = 'first' | 'second';

export const reviewStates = ['unreviewed', 'first_reviewed', 'reviewed'] as const;

export function unreviewed(): ReviewState {
  return { state: 'unreviewed', firstReviewer: null, firstReviewedAt: null, secondReviewer: null, secondReviewedAt: null };
}

/**
 * The state after `actor` reviews at `stage`. First review needs an unreviewed record; second review needs a first
 * review and a different person from both the first reviewer and the record's last editor.
 */
export function applyReview(current: ReviewState, stage: ReviewStage, actor: string, lastEditor: string, at: string): ReviewState {
  if (stage === 'first') {
    if (current.state !== 'unreviewed') throw new DomainError('CONFLICT', `the record is already ${current.state.replace('_', ' ')}`, [{ path: '/stage', message: 'first review is done' }]);
    return { ...current, state: 'first_reviewed', firstReviewer: actor, firstReviewedAt: at };
  }
  if (current.state === 'unreviewed') throw new DomainError('CONFLICT', 'the record needs its first review before the second', [{ path: '/stage', message: 'first review missing' }]);
  if (current.state === 'reviewed') throw new DomainError('CONFLICT', 'the record is already reviewed', [{ path: '/stage', message: 'second review is done' }]);
  if (actor === current.firstReviewer) {
    throw new DomainError('FORBIDDEN', 'the second review must be done by someone other than the first reviewer', [{ path: '/stage', message: `${actor} did the first review` }]);
  }
  if (actor === lastEditor) {
    throw new DomainError('FORBIDDEN', 'the second review must be done by someone other than the last editor', [{ path: '/stage', message: `${actor} made the last change` }]);
  }
  return { ...current, state: 'reviewed', secondReviewer: actor, secondReviewedAt: at };
}
