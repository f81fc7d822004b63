import CZlib
import DeepBayesCore

/// gzip decompression with zlib, for `.gz` IDX files.
enum Gzip {
    /// Whether `bytes` start with the gzip magic number `1f 8b`.
    static func hasMagic(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// The decompressed contents of the gzip file `bytes` (read from `path`, which errors name).
    ///
    /// Concatenated gzip members are decompressed one after another, as `gunzip` does; a
    /// damaged stream, a stream cut short, or bytes after the last member that are not another
    /// member throw `DeepBayesError.invalidFile`. So does a stream that inflates to more than
    /// `limit` bytes (what the caller knows the contents can be: a "gzip bomb" stops there, it
    /// is never inflated in full); `limitReason` says where the limit comes from.
    static func decompress(_ bytes: [UInt8], path: String, limit: Int = .max, limitReason: String = "") throws -> [UInt8] {
        func corrupt(_ reason: String) -> DeepBayesError {
            .invalidFile(path: path, reason: "corrupt gzip stream: \(reason)")
        }
        guard bytes.count <= Int(UInt32.max) else {
            throw DeepBayesError.invalidFile(path: path, reason: "compressed file too large (\(bytes.count) bytes)")
        }
        var stream = z_stream()
        // `inflateInit2` is a C macro; windowBits 15 + 32 accepts a gzip (or zlib) header.
        var status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw corrupt("zlib could not start (inflateInit2 returned \(status))") }
        defer { inflateEnd(&stream) }

        // The trailer's last four bytes are the uncompressed size mod 2³²: a capacity hint,
        // capped by deflate's best ratio (about 1032:1) in case the trailer is damaged.
        var output: [UInt8] = []
        if bytes.count >= 18 {
            let size = bytes[(bytes.count - 4)...].reversed().reduce(0) { $0 << 8 | Int($1) }
            output.reserveCapacity(min(size, bytes.count * 1032, limit))
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        try bytes.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            while true {
                let produced = chunk.withUnsafeMutableBufferPointer { out -> Int in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return out.count - Int(stream.avail_out)
                }
                guard produced <= limit - output.count else {
                    throw DeepBayesError.invalidFile(path: path, reason: "decompresses to more than \(limit) bytes\(limitReason)")
                }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    let remaining = Int(stream.avail_in)
                    if remaining == 0 { return }
                    let next = input.count - remaining
                    guard remaining >= 2, input[next] == 0x1F, input[next + 1] == 0x8B else {
                        throw corrupt("\(remaining) trailing bytes after the end of the compressed data")
                    }
                    inflateReset(&stream)
                case Z_BUF_ERROR where stream.avail_in == 0:
                    throw corrupt("the compressed data ends early (truncated file)")
                case Z_DATA_ERROR, Z_NEED_DICT:
                    throw corrupt(stream.msg.map { String(cString: $0) } ?? "invalid compressed data")
                case Z_MEM_ERROR:
                    throw corrupt("zlib ran out of memory")
                default:
                    throw corrupt("zlib inflate returned \(status)")
                }
            }
        }
        return output
    }
}
