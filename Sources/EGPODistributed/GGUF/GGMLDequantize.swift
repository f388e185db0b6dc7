/// GGUF tensor types to Float, block by block, following llama.cpp's block layouts (gguf-py
/// quants.py `dequantize_blocks`, ggml-quants.c `dequantize_row_*`). The arithmetic is done in
/// Float in the reference's order (`d * q + m`, `(d * sc) * q - dmin * m`), so the results equal
/// the `gguf` package's bit for bit (Tests/EGPODistributedTests/GGUFDequantizeTests.swift).
enum GGMLDequantize {
    /// Dequantises `bytes` (whole blocks of `type`) into `out` (blocks x block size floats).
    static func dequantize(_ bytes: UnsafeRawBufferPointer, type: GGMLType, into out: UnsafeMutableBufferPointer<Float>) {
        let blocks = type.blockSize == 0 ? 0 : out.count / type.blockSize
        precondition(blocks * type.blockSize == out.count && blocks * type.typeSize == bytes.count,
                     "\(type.name): \(bytes.count) bytes for \(out.count) floats")
        guard let src = bytes.baseAddress, let dst = out.baseAddress else { return }
        switch type {
        case .f32: for i in 0 ..< out.count { dst[i] = Float(bitPattern: u32(src, 4 * i)) }
        case .f16: for i in 0 ..< out.count { dst[i] = f16(src, 2 * i) }
        case .bf16: for i in 0 ..< out.count { dst[i] = Float(bitPattern: UInt32(u16(src, 2 * i)) << 16) }
        default:
            for b in 0 ..< blocks {
                let block = src + b * type.typeSize, y = dst + b * type.blockSize
                switch type {
                case .q8_0: q8_0(block, y)
                case .q4_0: q4_0(block, y)
                case .q4_1: q4_1(block, y)
                case .q5_0: q5_0(block, y)
                case .q5_1: q5_1(block, y)
                case .q4_K: q4_K(block, y)
                case .q5_K: q5_K(block, y)
                case .q6_K: q6_K(block, y)
                default: preconditionFailure("GGMLDequantize: \(type.name) is not supported (callers check isSupported)")
                }
            }
        }
    }

    @inline(__always) static func u16(_ p: UnsafeRawPointer, _ offset: Int) -> UInt16 {
        UInt16(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }
    @inline(__always) static func u32(_ p: UnsafeRawPointer, _ offset: Int) -> UInt32 {
        UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
    @inline(__always) static func f16(_ p: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: u16(p, offset)))
    }
    @inline(__always) static func byte(_ p: UnsafeRawPointer, _ offset: Int) -> UInt8 { p.load(fromByteOffset: offset, as: UInt8.self) }

    /// The 4-bit value of element j of a 32-element block whose nibbles start at `qs`: element
    /// j < 16 is the low nibble of byte j, element j >= 16 the high nibble of byte j - 16.
    @inline(__always) static func nibble(_ p: UnsafeRawPointer, _ qs: Int, _ j: Int) -> UInt8 {
        j < 16 ? byte(p, qs + j) & 0x0F : byte(p, qs + j - 16) >> 4
    }

    /// Q8_0, 34 bytes: fp16 d, 32 int8; x = q * d.
    static func q8_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 0)
        for j in 0 ..< 32 { y[j] = Float(Int8(bitPattern: byte(p, 2 + j))) * d }
    }

    /// Q4_0, 18 bytes: fp16 d, 16 bytes of nibbles; x = d * (q - 8).
    static func q4_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 0)
        for j in 0 ..< 32 { y[j] = d * Float(Int(nibble(p, 2, j)) - 8) }
    }

    /// Q4_1, 20 bytes: fp16 d, fp16 m, 16 bytes of nibbles; x = d * q + m.
    static func q4_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 0), m = f16(p, 2)
        for j in 0 ..< 32 { y[j] = d * Float(nibble(p, 4, j)) + m }
    }

    /// Q5_0, 22 bytes: fp16 d, uint32 of fifth bits (bit j for element j), 16 bytes of nibbles;
    /// x = d * (q - 16).
    static func q5_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 0), qh = u32(p, 2)
        for j in 0 ..< 32 {
            let q = Int(nibble(p, 6, j)) | Int((qh >> UInt32(j)) & 1) << 4
            y[j] = d * Float(q - 16)
        }
    }

    /// Q5_1, 24 bytes: fp16 d, fp16 m, uint32 of fifth bits, 16 bytes of nibbles; x = d * q + m.
    static func q5_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 0), m = f16(p, 2), qh = u32(p, 4)
        for j in 0 ..< 32 {
            let q = Int(nibble(p, 8, j)) | Int((qh >> UInt32(j)) & 1) << 4
            y[j] = d * Float(q) + m
        }
    }

    /// The 6-bit scale and min of sub-block j (0..<8) from the 12 packed bytes at `s`
    /// (`get_scale_min_k4`): j < 4 in the low six bits of bytes j and j + 4; j >= 4 in the
    /// nibbles of byte j + 4 with their top two bits from bytes j - 4 and j.
    @inline(__always) static func scaleMin(_ p: UnsafeRawPointer, _ s: Int, _ j: Int) -> (Float, Float) {
        if j < 4 { return (Float(byte(p, s + j) & 63), Float(byte(p, s + j + 4) & 63)) }
        let sc = (byte(p, s + j + 4) & 0x0F) | ((byte(p, s + j - 4) >> 6) << 4)
        let m = (byte(p, s + j + 4) >> 4) | ((byte(p, s + j) >> 6) << 4)
        return (Float(sc), Float(m))
    }

    /// Q4_K, 144 bytes for 256 weights: fp16 d, fp16 dmin, 12 bytes of 6-bit scales and mins,
    /// 128 bytes of nibbles. Sub-block j (32 weights) takes the low (j even) or high (j odd)
    /// nibbles of bytes 32 * (j / 2) ..< +32; x = (d * sc_j) * q - dmin * m_j.
    static func q4_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 0), dmin = f16(p, 2)
        for j in 0 ..< 8 {
            let (sc, m) = scaleMin(p, 4, j)
            let scale = d * sc, offset = dmin * m
            let qs = 16 + 32 * (j / 2), shift = UInt8(4 * (j % 2))
            for i in 0 ..< 32 { y[32 * j + i] = scale * Float((byte(p, qs + i) >> shift) & 0x0F) - offset }
        }
    }

    /// Q5_K, 176 bytes: Q4_K's d, dmin and scales, 32 bytes of fifth bits (bit j of byte i for
    /// weight i of sub-block j), then Q4_K's 128 bytes of nibbles.
    static func q5_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 0), dmin = f16(p, 2)
        for j in 0 ..< 8 {
            let (sc, m) = scaleMin(p, 4, j)
            let scale = d * sc, offset = dmin * m
            let qs = 48 + 32 * (j / 2), shift = UInt8(4 * (j % 2))
            for i in 0 ..< 32 {
                let q = ((byte(p, qs + i) >> shift) & 0x0F) | (((byte(p, 16 + i) >> UInt8(j)) & 1) << 4)
                y[32 * j + i] = scale * Float(q) - offset
            }
        }
    }

    /// Q6_K, 210 bytes: 128 bytes of low nibbles, 64 bytes of high 2-bit pairs, 16 int8 scales,
    /// fp16 d. Group k (0..<8) of 32 weights lies in half h = k / 4: its low nibbles are those
    /// (r = k % 4 < 2: low, else high) of ql[64h + 32(r % 2) + i], its high bits bits 2r of
    /// qh[32h + i]; x = (d * scale[w / 16]) * (q - 32) for weight w.
    static func q6_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = f16(p, 208)
        for k in 0 ..< 8 {
            let h = k / 4, r = k % 4
            let ql = 64 * h + 32 * (r % 2), lowShift = UInt8(4 * (r / 2)), qh = 128 + 32 * h, highShift = UInt8(2 * r)
            for i in 0 ..< 32 {
                let w = 32 * k + i
                let q = Int((byte(p, ql + i) >> lowShift) & 0x0F) | Int((byte(p, qh + i) >> highShift) & 3) << 4
                let scale = d * Float(Int8(bitPattern: byte(p, 192 + w / 16)))
                y[w] = scale * Float(q - 32)
            }
        }
    }
}
