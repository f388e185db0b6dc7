/// GPT-2's reversible map from bytes to printable characters, in which byte-level BPE
/// vocabularies and merges are written (`bytes_to_unicode` in GPT-2's encoder.py, also used by
/// Hugging Face's `ByteLevel`): printable Latin-1 bytes stand for themselves, the other 68
/// bytes take the characters from U+0100 on in byte order (so a space is written `Ġ`).
enum ByteLevelMapping {
    /// The character standing for each byte.
    static let byteToScalar: [Unicode.Scalar] = {
        var table = [Unicode.Scalar](repeating: "\0", count: 256)
        var next: UInt32 = 256
        for b in 0..<256 {
            let printable = (33...126).contains(b) || (161...172).contains(b) || (174...255).contains(b)
            if printable {
                table[b] = Unicode.Scalar(UInt32(b))!
            } else {
                table[b] = Unicode.Scalar(next)!
                next += 1
            }
        }
        return table
    }()

    /// The byte each mapped character stands for.
    static let scalarToByte: [Unicode.Scalar: UInt8] = {
        var map: [Unicode.Scalar: UInt8] = [:]
        for (b, s) in byteToScalar.enumerated() { map[s] = UInt8(b) }
        return map
    }()

    /// The printable form of a byte string.
    static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(byteToScalar[Int(b)]) }
        return String(s)
    }

    /// The bytes of a printable form, or nil if it has a character outside the map.
    static func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        for s in text.unicodeScalars {
            guard let b = scalarToByte[s] else { return nil }
            out.append(b)
        }
        return out
    }
}
