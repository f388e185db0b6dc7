/// One tensor of a GGUF file as its header describes it.
public struct GGUFTensorInfo: Sendable, Equatable {
    public var name: String
    /// Dimensions as the file lists them: fastest-varying first (`ne[0]` is the row length).
    public var dimensions: [Int]
    public var type: GGMLType
    /// Offset of the tensor's bytes from the start of the data section.
    public var offset: Int
    /// Elements: the product of the dimensions.
    public var elementCount: Int
    /// Bytes the type and dimensions make: `elementCount / blockSize * typeSize`.
    public var byteCount: Int

    /// The row-major shape (`dimensions` reversed), as PyTorch and the model's layout write it.
    public var shape: [Int] { dimensions.reversed() }
}
