// One browser and one app server at a time: Hangfire keeps process-wide state, and the machine has two cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
