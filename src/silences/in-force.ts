import type { NotificationHold } from '../delivery/notification-hold.js';
import type { MutingSilence } from '../module-system/contract.js';
import { notificationFacts } from './facts.js';
import { compileMatchers, namesWhatItIsAbout, withoutKinds, type NotificationFacts } from './matchers.js';
import { silenceSpanAt, type Silence } from './model.js';

interface Compiled {
  silence: Silence;
  matches: (facts: NotificationFacts) => boolean;
  /** Its matchers without `kind` and `check`, when it names an application, cluster or team (else null). */
  about: ((facts: NotificationFacts) => boolean) | null;
  /** The last state judged and the span it holds for (silenceSpanAt). */
  span?: ReturnType<typeof silenceSpanAt>;
}

/**
 * The silences not over yet, compiled once, as every replica keeps them in memory: the one rule that decides
 * whether a notification is held (`holding`), for a whole delivery, one send and the explain view alike.
 * Matching is synchronous and costs a notification no round trip.
 */
export class SilencesInForce {
  private compiled: Compiled[] = [];

  constructor(private readonly now: () => Date) {}

  replace(silences: Silence[]): void {
    this.compiled = silences.map((silence) => ({
      silence,
      matches: compileMatchers(silence.matchers),
      about: namesWhatItIsAbout(silence.matchers) ? compileMatchers(withoutKinds(silence.matchers)) : null,
    }));
  }

  /** The silence that holds a notification with these facts now, if any (the one ending last, when several do). */
  holding(facts: NotificationFacts, at: Date = this.now()): Silence | null {
    let found: { silence: Silence; closesAt: number } | null = null;
    for (const entry of this.compiled) {
      const { silence, matches } = entry;
      if (!matches(facts)) continue;
      const { state, window } = this.stateOf(entry, at);
      if (state !== 'active') continue;
      const closesAt = window?.closesAt.getTime() ?? Number.POSITIVE_INFINITY;
      if (!found || closesAt > found.closesAt) found = { silence, closesAt };
    }
    return found?.silence ?? null;
  }

  /**
   * Silences holding now that name this notification's application, cluster or team and would hold another kind
   * of notification about it at its target, but not this one (their `kind` or `check` leaves it out): what a
   * deployment's thread says is muted. Soonest ending first.
   */
  mutingOthers(facts: NotificationFacts, at: Date = this.now()): MutingSilence[] {
    const found: MutingSilence[] = [];
    for (const entry of this.compiled) {
      if (!entry.about || entry.matches(facts) || !entry.about(facts)) continue;
      const { state, window } = this.stateOf(entry, at);
      if (state !== 'active' || !window) continue;
      const { silence } = entry;
      found.push({
        id: silence.id,
        reason: silence.reason,
        createdBy: silence.createdBy,
        until: window.closesAt.toISOString(),
        kinds: silence.matchers.kind ?? [],
        checks: silence.matchers.check ?? [],
      });
    }
    return found.sort((a, b) => a.until.localeCompare(b.until));
  }

  /** Silences holding at `at` (the gauge). */
  activeCount(at: Date = this.now()): number {
    return this.compiled.filter((entry) => this.stateOf(entry, at).state === 'active').length;
  }

  /** What the delivery code asks (it does not know silences): the facts of a whole delivery or of one send. */
  asHold(): NotificationHold {
    return {
      holding: (event, about, to) => this.holding(notificationFacts(event, about, to))?.id ?? null,
      mutingOthers: (event, about, to) => this.mutingOthers(notificationFacts(event, about, to)),
    };
  }

  /** The state of a silence at `at`, from its remembered span when `at` is inside it. */
  private stateOf(entry: Compiled, at: Date): ReturnType<typeof silenceSpanAt> {
    const time = at.getTime();
    if (!entry.span || time < entry.span.from || time >= entry.span.until)
      entry.span = silenceSpanAt(entry.silence, at);
    return entry.span;
  }
}
