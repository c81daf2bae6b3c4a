// Model tests share libtorch's thread pool and the live-tensor counter; run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
