/// A GGUF file (versions 2 and 3; the format of llama.cpp, described in ggml's docs/gguf.md and
/// read by gguf-py's `GGUFReader`): the magic `GGUF`, a uint32 version, uint64 tensor and
/// metadata counts, the typed metadata, the tensor infos (name, dimension count, dimensions
/// fastest-varying first, type, offset), padding to `general.alignment` (default 32), then the
/// tensor data, each tensor at its offset from the start of that section.
///
/// The file is memory-mapped and only the header is parsed on opening: tensors are read (and
/// dequantised) one at a time, so a file of gigabytes is not loaded whole. Every count, length,
/// offset and size is checked against the file size with overflow-checked arithmetic.
public struct GGUFFile: Sendable {
    public let path: String
    public let version: UInt32
    /// Metadata in file order.
    public let metadata: [(key: String, value: GGUFValue)]
    /// Tensors in file order.
    public let tensors: [GGUFTensorInfo]
    /// `general.alignment`, or 32.
    public let alignment: Int
    /// Where the data section starts in the file.
    public let dataOffset: Int
    let file: MappedFile
    private let metadataIndex: [String: Int]
    private let tensorIndex: [String: Int]

    public static let defaultAlignment = 32
    static let magic: [UInt8] = Array("GGUF".utf8)

    /// Opens and checks `path`. Refused: a wrong magic, a version other than 2 or 3, anything
    /// running past the end of the file, duplicate keys or tensor names, an alignment that is
    /// not a power of two, a tensor whose dimensions do not divide into its type's blocks, whose
    /// offset is not aligned, whose bytes run past the end of the file or into the next tensor
    /// (its type and shape disagree with the bytes the file gives it).
    public init(path: String) throws(GGUFError) {
        let file = try MappedFile(path: path)
        self.file = file
        self.path = path
        var c = GGUFCursor(file)
        let magicStart = try c.take(4, "the magic")
        let magic = Array(file.bytes(magicStart ..< magicStart + 4))
        guard magic == Self.magic else { throw .badMagic(path: path, found: magic) }
        version = try c.load(UInt32.self, "the version")
        guard version == 2 || version == 3 else { throw .unsupportedVersion(path: path, version: version) }
        let tensorCount = try c.load(UInt64.self, "the tensor count")
        let metadataCount = try c.load(UInt64.self, "the metadata count")
        // A key/value takes at least 8 + 4 + 1 bytes, a tensor info 8 + 4 + 8 + 4 + 8.
        for (count, least, what) in [(metadataCount, UInt64(13), "metadata entries"), (tensorCount, UInt64(32), "tensor infos")] {
            let (bytes, overflow) = count.multipliedReportingOverflow(by: least)
            guard !overflow, bytes <= UInt64(c.remaining) else {
                throw .truncated(path: path, what: "\(count) \(what)", offset: c.position, needed: overflow ? .max : bytes, fileSize: file.size)
            }
        }

        var metadata: [(key: String, value: GGUFValue)] = []
        var metadataIndex: [String: Int] = [:]
        for k in 0 ..< Int(metadataCount) {
            let key = try c.string("the key of metadata entry \(k)")
            let type = try c.load(UInt32.self, "the value type of \(key)")
            let value = try c.value(type: type, key: key)
            guard metadataIndex[key] == nil else { throw .badMetadata(path: path, key: key, message: "appears twice") }
            metadataIndex[key] = metadata.count
            metadata.append((key, value))
        }
        self.metadata = metadata
        self.metadataIndex = metadataIndex

        var alignment = Self.defaultAlignment
        if let value = metadataIndex["general.alignment"].map({ metadata[$0].value }) {
            guard case let .uint32(a) = value, a > 0, a & (a - 1) == 0 else {
                throw .badMetadata(path: path, key: "general.alignment", message: "is \(value.summary), expected a uint32 power of two")
            }
            alignment = Int(a)
        }
        self.alignment = alignment

        var tensors: [GGUFTensorInfo] = []
        var tensorIndex: [String: Int] = [:]
        for k in 0 ..< Int(tensorCount) {
            let name = try c.string("the name of tensor \(k)")
            let dimensionCount = try c.load(UInt32.self, "the dimension count of tensor \(name)")
            guard (1...4).contains(dimensionCount) else {
                throw .badTensor(path: path, tensor: name, message: "\(dimensionCount) dimensions, expected 1 to 4 (GGML_MAX_DIMS)")
            }
            var dimensions: [Int] = []
            var elements = 1
            for d in 0 ..< Int(dimensionCount) {
                let n = try c.load(UInt64.self, "dimension \(d) of tensor \(name)")
                let (product, overflow) = elements.multipliedReportingOverflow(by: Int(clamping: n))
                guard n <= UInt64(Int.max), !overflow else {
                    throw .badTensor(path: path, tensor: name, message: "dimensions \(dimensions + [Int(clamping: n)]) overflow the element count")
                }
                dimensions.append(Int(n))
                elements = product
            }
            let type = GGMLType(rawValue: try c.load(UInt32.self, "the type of tensor \(name)"))
            let offset = try c.load(UInt64.self, "the offset of tensor \(name)")
            guard type.isKnown else {
                throw .unsupportedTensorType(path: path, tensor: name, type: type.name, supported: GGMLType.supportedNames)
            }
            guard dimensions[0] % type.blockSize == 0 else {
                throw .badTensor(path: path, tensor: name, message: "row length \(dimensions[0]) is not a multiple of \(type.name)'s block of \(type.blockSize)")
            }
            let (byteCount, overflow) = (elements / type.blockSize).multipliedReportingOverflow(by: type.typeSize)
            guard !overflow, offset <= UInt64(Int.max) else {
                throw .badTensor(path: path, tensor: name, message: "shape \(Array(dimensions.reversed())) of \(type.name) or offset \(offset) overflows")
            }
            guard Int(offset) % alignment == 0 else {
                throw .badTensor(path: path, tensor: name, message: "offset \(offset) is not a multiple of the alignment \(alignment)")
            }
            guard tensorIndex[name] == nil else { throw .badTensor(path: path, tensor: name, message: "appears twice") }
            tensorIndex[name] = tensors.count
            tensors.append(GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: Int(offset),
                                          elementCount: elements, byteCount: byteCount))
        }
        self.tensors = tensors
        self.tensorIndex = tensorIndex

        // The data section starts at the next multiple of the alignment (if the file reaches it).
        let (padded, overflow) = c.position.addingReportingOverflow(alignment - 1)
        precondition(!overflow, "a header position near Int.max cannot come from a mapped file")
        let dataOffset = padded / alignment * alignment
        self.dataOffset = dataOffset
        let dataSize = file.size - min(dataOffset, file.size)

        // Each tensor must end inside the file and before the next one starts; with the writers'
        // packing (each tensor padded to the alignment), a gap wider than the padding also means
        // the type and shape give the tensor fewer bytes than the file does.
        let byOffset = tensors.sorted { $0.offset < $1.offset }
        for (i, t) in byOffset.enumerated() {
            let (end, overflow) = t.offset.addingReportingOverflow(t.byteCount)
            guard !overflow, end <= dataSize else {
                throw .truncated(path: path, what: "tensor \(t.name) (\(t.type.name) \(t.shape))", offset: dataOffset + t.offset,
                                 needed: UInt64(t.byteCount), fileSize: file.size)
            }
            guard i + 1 < byOffset.count else { break }
            let next = byOffset[i + 1]
            let nextExpected = (end + alignment - 1) / alignment * alignment
            guard next.offset >= end else {
                throw .badTensor(path: path, tensor: t.name, message: "its type \(t.type.name) and shape \(t.shape) make \(t.byteCount) bytes, "
                                 + "which run \(end - next.offset) bytes into tensor \(next.name)")
            }
            guard next.offset == nextExpected else {
                throw .badTensor(path: path, tensor: t.name, message: "its type \(t.type.name) and shape \(t.shape) make \(t.byteCount) bytes, "
                                 + "but the file gives it \(next.offset - t.offset) (tensor \(next.name) starts at offset \(next.offset))")
            }
        }
    }

    /// The metadata value of `key`, or nil.
    public subscript(key: String) -> GGUFValue? { metadataIndex[key].map { metadata[$0].value } }

    /// The tensor called `name`, or nil.
    public func tensor(_ name: String) -> GGUFTensorInfo? { tensorIndex[name].map { tensors[$0] } }

    /// The raw bytes of `tensor` (a view into the mapping, valid while this file is alive).
    public func bytes(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        file.bytes(dataOffset + tensor.offset ..< dataOffset + tensor.offset + tensor.byteCount)
    }

    /// Dequantises `tensor` into `out`, which must hold its `elementCount` floats. An unsupported
    /// type is refused naming it.
    public func read(_ tensor: GGUFTensorInfo, into out: UnsafeMutableBufferPointer<Float>) throws(GGUFError) {
        guard tensor.type.isSupported else {
            throw .unsupportedTensorType(path: path, tensor: tensor.name, type: tensor.type.name, supported: GGMLType.supportedNames)
        }
        precondition(out.count == tensor.elementCount, "tensor \(tensor.name): \(tensor.elementCount) elements, buffer of \(out.count)")
        GGMLDequantize.dequantize(bytes(of: tensor), type: tensor.type, into: out)
    }

    /// `tensor` dequantised into a new array.
    public func read(_ tensor: GGUFTensorInfo) throws(GGUFError) -> [Float] {
        var values = [Float](repeating: 0, count: tensor.elementCount)
        try values.withUnsafeMutableBufferPointer { (out) throws(GGUFError) in try read(tensor, into: out) }
        return values
    }
}
