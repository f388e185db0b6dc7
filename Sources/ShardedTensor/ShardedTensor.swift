/// Numbers and their distribution: flat buffers, kernels, communicators and sharded buffers.
public enum ShardedTensor {}
