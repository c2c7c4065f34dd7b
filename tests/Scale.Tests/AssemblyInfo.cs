// Each test starts a web app and workers as processes on 2 cores: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
