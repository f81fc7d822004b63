import Foundation

/// The file in which `ProgramCache` keeps one built program binary between runs:
/// `magic`, the key's length and UTF-8 bytes, the binary's length and bytes (lengths as
/// little-endian `UInt64`), nothing after. The key names everything the binary was built
/// from (device identity, build options, the full source text), so a file is used only for
/// exactly the build it came from; anything else in the file (another format, a truncated
/// write, a foreign key) is rejected, never partly trusted.
enum ProgramBinaryFile {
    /// The first bytes of every file, naming the format and its version.
    static let magic = Data("DEEPBAYES-CL-PROGRAM-1\n".utf8)

    /// The largest file read back or written (64 MiB): well above any program of `Kernels/`
    /// (PoCL's largest binary, with the work-group functions its own kernel cache holds, is about 5 MB),
    /// so a larger file is not one of ours and is never read into memory.
    static let maximumBytes = 64 << 20

    /// The key of a build: device identity, build options, then the program's source text.
    static func key(identity: String, options: String, source: String) -> String {
        "device: \(identity)\noptions: \(options)\nsource:\n\(source)"
    }

    /// The file's contents for `binary` built under `key`.
    static func contents(key: String, binary: Data) -> Data {
        let keyBytes = Data(key.utf8)
        return magic + length(keyBytes.count) + keyBytes + length(binary.count) + binary
    }

    /// The binary stored in `file` when it is a well-formed file for exactly `key`, else nil.
    static func binary(in file: Data, key: String) -> Data? {
        let bytes = [UInt8](file), keyBytes = [UInt8](key.utf8)
        var offset = 0
        /// The next `count` bytes, or nil past the end.
        func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, count <= bytes.count - offset else { return nil }
            defer { offset += count }
            return bytes[offset ..< offset + count]
        }
        /// The next little-endian `UInt64` as a length, or nil past the end or above `Int.max`.
        func takeLength() -> Int? {
            guard let raw = take(8) else { return nil }
            return Int(exactly: raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        }
        guard take(magic.count).map({ Array($0) == [UInt8](magic) }) == true,
              takeLength() == keyBytes.count, take(keyBytes.count).map({ Array($0) == keyBytes }) == true,
              let binaryLength = takeLength(), binaryLength > 0, let binary = take(binaryLength),
              offset == bytes.count else { return nil }
        return Data(binary)
    }

    /// `count` as 8 little-endian bytes.
    private static func length(_ count: Int) -> Data {
        withUnsafeBytes(of: UInt64(count).littleEndian) { Data($0) }
    }
}
