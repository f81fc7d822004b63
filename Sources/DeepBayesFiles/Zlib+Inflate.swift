import CZlib
import DeepBayesCore

extension Zlib {
    /// The zlib stream (RFC 1950) `bytes` inflated, which must be exactly `length` bytes.
    ///
    /// The output buffer holds `length + 1` bytes and is never grown, so a stream that would
    /// inflate to more (a "zlib bomb") stops one byte past `length` and is refused; a stream
    /// that ends short of `length`, is cut off, or is damaged is refused too. Bytes after the
    /// end of the stream are ignored. `path` and `subject` ("image data") name what failed.
    /// - Throws: `DeepBayesError.invalidFile`.
    static func inflate(_ bytes: [UInt8], length: Int, path: String, subject: String) throws -> [UInt8] {
        func failure(_ reason: String) -> DeepBayesError {
            .invalidFile(path: path, reason: "\(subject): \(reason)")
        }
        guard bytes.count <= Int(UInt32.max), length < Int(UInt32.max) else {
            throw failure("too large for zlib (\(bytes.count) compressed bytes, \(length) expected)")
        }
        var stream = z_stream()
        // `inflateInit` is a C macro.
        var status = inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw failure("zlib could not start (inflateInit returned \(status))") }
        defer { inflateEnd(&stream) }

        var output = [UInt8](repeating: 0, count: length + 1)
        let produced = try output.withUnsafeMutableBufferPointer { out in
            try bytes.withUnsafeBufferPointer { input -> Int in
                stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
                stream.avail_in = uInt(input.count)
                stream.next_out = out.baseAddress
                stream.avail_out = uInt(out.count)
                while true {
                    status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    switch status {
                    case Z_STREAM_END:
                        return out.count - Int(stream.avail_out)
                    case Z_OK where stream.avail_out == 0, Z_BUF_ERROR where stream.avail_out == 0:
                        return out.count
                    case Z_OK:
                        continue
                    case Z_BUF_ERROR:
                        throw failure("the compressed data ends early (truncated file)")
                    case Z_DATA_ERROR, Z_NEED_DICT:
                        throw failure("corrupt compressed data (\(stream.msg.map { String(cString: $0) } ?? "invalid data"))")
                    case Z_MEM_ERROR:
                        throw failure("zlib ran out of memory")
                    default:
                        throw failure("zlib inflate returned \(status)")
                    }
                }
            }
        }
        guard produced <= length else {
            throw failure("inflates to more than the \(length) bytes the image's rows need")
        }
        guard produced == length else {
            throw failure("inflates to \(produced) bytes, the image's rows need \(length)")
        }
        output.removeLast()
        return output
    }
}
