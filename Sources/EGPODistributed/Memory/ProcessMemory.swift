import Foundation

/// This process's resident memory, from /proc/self/status.
public enum ProcessMemory {
    /// The peak resident set size (VmHWM) in bytes, or nil where /proc is not there.
    public static func peakResidentBytes() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kB = Double(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "") else { return nil }
        return kB * 1024
    }
}
