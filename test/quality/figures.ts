/** Random option sets that the property test tries per run (README "Quality gates"). */
export const RANDOM_CASES_PER_RUN = Number(process.env.QUALITY_RUNS_OVERRIDE ?? 200);

/** Every how many valid random cases the costly checks (cdk-nag, cfn-lint) run on one. */
export const COSTLY_CHECK_EVERY = 10;
