// Live-tensor counts are process-wide; run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
