import CZlib
import DeepBayesCore

/// The zlib calls the PNG writer and reader need (inflate is in `Zlib+Inflate.swift`).
enum Zlib {
    /// `bytes` as a zlib stream (RFC 1950) at the best compression level.
    /// - Throws: `DeepBayesError.invalidArgument` if zlib reports an error (only for inputs too
    ///   large for zlib's length type, or when memory runs out).
    static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let sourceLength = uLong(exactly: bytes.count) else {
            throw DeepBayesError.invalidArgument(operation: "zlib compress", reason: "\(bytes.count) bytes are too many for zlib")
        }
        let bound = compressBound(sourceLength)
        guard let capacity = Int(exactly: bound) else {
            throw DeepBayesError.invalidArgument(operation: "zlib compress", reason: "\(bytes.count) bytes are too many for zlib")
        }
        var output = [UInt8](repeating: 0, count: capacity)
        var outputLength = bound
        let status = output.withUnsafeMutableBufferPointer { destination in
            bytes.withUnsafeBufferPointer { source in
                compress2(destination.baseAddress, &outputLength, source.baseAddress, sourceLength, Z_BEST_COMPRESSION)
            }
        }
        guard status == Z_OK, let length = Int(exactly: outputLength) else {
            throw DeepBayesError.invalidArgument(operation: "zlib compress", reason: "compress2 failed with status \(status)")
        }
        output.removeSubrange(length...)
        return output
    }

    /// The CRC-32 (ISO 3309 / ITU-T V.42, the one PNG uses) of `bytes`.
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { buffer in
            var result = crc32(0, nil, 0)
            var offset = 0
            while offset < buffer.count {
                let length = min(buffer.count - offset, Int(UInt32.max))
                result = crc32(result, buffer.baseAddress! + offset, uInt(length))
                offset += length
            }
            return UInt32(truncatingIfNeeded: result)
        }
    }
}
