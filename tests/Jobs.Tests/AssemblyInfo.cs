// Hangfire keeps process-wide state (GlobalConfiguration, its log provider bound to a host's logger factory): tests that
// start and stop hosts run one at a time so no host sees another's disposed services.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
