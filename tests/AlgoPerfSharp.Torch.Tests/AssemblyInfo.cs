// Live-tensor counts and grad mode are process/thread state; running test classes in parallel would make the
// leak assertions racy and oversubscribe the two cores libtorch already uses.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
