import { InvalidOptionError } from './service-settings';

/**
 * The options of pull request builds and scheduled template upgrades, validated: resolved apart
 * from the other service options so that each concern keeps its rules in one place.
 */

/** The default upgrade schedule: Mondays, 06:00 UTC. */
export const DEFAULT_UPGRADE_SCHEDULE = 'cron(0 6 ? * MON *)';

/** The `upgradeSchedule` value that switches the scheduled upgrade off. */
export const UPGRADE_SCHEDULE_OFF = 'off';

/** The prefix of the branches that the scheduled upgrade pushes (`template-upgrade/<version>`). */
export const UPGRADE_BRANCH_PREFIX = 'template-upgrade';

/** Pull request builds and the upgrade schedule, with the defaults applied. */
export interface ReviewSettings {
  readonly pullRequestBuilds: boolean;
  /** The schedule expression; undefined when the scheduled upgrade is off. */
  readonly upgradeSchedule?: string;
}

// At most hourly: the minutes field is one number, so a schedule cannot start a build every minute.
const CRON_FIELD = '[0-9A-Za-z*?,/#-]{1,40}';
const CRON = new RegExp(`^cron\\([0-9]{1,2} ${CRON_FIELD} ${CRON_FIELD} ${CRON_FIELD} ${CRON_FIELD} ${CRON_FIELD}\\)$`);
const RATE = /^rate\(([1-9][0-9]{0,3}) (hour|hours|day|days)\)$/;

const SCHEDULE_ALLOWED = `"${UPGRADE_SCHEDULE_OFF}", or an EventBridge schedule at most hourly: "cron(<minute> <hour> <day-of-month> <month> <day-of-week> <year>)" `
  + '(for example "cron(0 6 ? * MON *)") or "rate(<n> hours|days)" (for example "rate(7 days)")';

// Pull request builds and the upgrade act on a CodeCommit repository (its pull request events,
// approval rules and pushes): a repository reached through a connection has none of them here.
const CONNECTION_ALLOWED = (value: string) => `${value} with \`source\`: pull request builds and the scheduled upgrade `
  + 'work on a CodeCommit repository only; the Git host\'s own checks build pull requests (see the operating guide)';

function schedule(value: unknown, connection: boolean): string | undefined {
  if (value === undefined) return connection ? undefined : DEFAULT_UPGRADE_SCHEDULE;
  if (value === UPGRADE_SCHEDULE_OFF) return undefined;
  if (connection) throw new InvalidOptionError('upgradeSchedule', value, CONNECTION_ALLOWED('"off"'));
  if (typeof value !== 'string' || value.length > 256) throw new InvalidOptionError('upgradeSchedule', value, SCHEDULE_ALLOWED);
  const rate = RATE.exec(value);
  if (rate) {
    // EventBridge wants the singular unit for 1 and the plural otherwise.
    if ((rate[1] === '1') === !rate[2].endsWith('s')) return value;
    throw new InvalidOptionError('upgradeSchedule', value, `${SCHEDULE_ALLOWED}, with the singular unit for 1 only`);
  }
  if (CRON.test(value)) {
    const minute = Number(/^cron\(([0-9]+)/.exec(value)![1]);
    if (minute <= 59) return value;
  }
  throw new InvalidOptionError('upgradeSchedule', value, SCHEDULE_ALLOWED);
}

/**
 * Validates `pullRequestBuilds` and `upgradeSchedule` and applies their defaults: on with a
 * CodeCommit repository, off with a connection's repository (`connection`), where they cannot be
 * switched on.
 */
export function resolveReviewSettings(input: { readonly pullRequestBuilds?: unknown; readonly upgradeSchedule?: unknown },
  connection: boolean): ReviewSettings {
  const pullRequestBuilds = input.pullRequestBuilds === undefined ? !connection : input.pullRequestBuilds;
  if (typeof pullRequestBuilds !== 'boolean') throw new InvalidOptionError('pullRequestBuilds', pullRequestBuilds, 'true or false');
  if (pullRequestBuilds && connection) throw new InvalidOptionError('pullRequestBuilds', pullRequestBuilds, CONNECTION_ALLOWED('false'));
  return { pullRequestBuilds, upgradeSchedule: schedule(input.upgradeSchedule, connection) };
}
