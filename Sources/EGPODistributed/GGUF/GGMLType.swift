/// The tensor element types of GGUF files (`GGMLQuantizationType` in llama.cpp's gguf-py
/// constants.py), with the block geometry that fixes a tensor's byte size: a row of `n`
/// elements takes `n / blockSize * typeSize` bytes, and `n` must divide into whole blocks.
public struct GGMLType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let f32 = GGMLType(rawValue: 0), f16 = GGMLType(rawValue: 1)
    public static let q4_0 = GGMLType(rawValue: 2), q4_1 = GGMLType(rawValue: 3)
    public static let q5_0 = GGMLType(rawValue: 6), q5_1 = GGMLType(rawValue: 7)
    public static let q8_0 = GGMLType(rawValue: 8)
    public static let q4_K = GGMLType(rawValue: 12), q5_K = GGMLType(rawValue: 13), q6_K = GGMLType(rawValue: 14)
    public static let bf16 = GGMLType(rawValue: 30)

    /// Name, elements per block, bytes per block of every type llama.cpp defines (QK_K = 256).
    static let table: [UInt32: (name: String, blockSize: Int, typeSize: Int)] = [
        0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
        6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 40),
        10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176),
        14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74),
        18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
        22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
        26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
        30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66),
    ]

    /// The types `GGMLDequantize` turns into Float.
    public static let supported: [GGMLType] = [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1, .q5_0, .q5_1, .q4_K, .q5_K, .q6_K]

    /// True for a type llama.cpp defines (so its size is known), supported or not.
    public var isKnown: Bool { Self.table[rawValue] != nil }
    public var isSupported: Bool { Self.supported.contains(self) }
    /// llama.cpp's name, e.g. `Q4_K`; `type 99` for one it does not define.
    public var name: String { Self.table[rawValue]?.name ?? "type \(rawValue)" }
    public var description: String { name }
    /// Elements per block (1 for plain floats and integers).
    public var blockSize: Int { Self.table[rawValue]?.blockSize ?? 0 }
    /// Bytes per block.
    public var typeSize: Int { Self.table[rawValue]?.typeSize ?? 0 }

    /// The names of the supported types, for error messages.
    public static var supportedNames: String { supported.map(\.name).joined(separator: ", ") }
}
