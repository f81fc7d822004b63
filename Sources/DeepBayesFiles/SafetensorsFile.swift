import DeepBayesCore
import Foundation

/// Named `Float` tensors and string metadata in the safetensors format
/// (https://github.com/huggingface/safetensors), the file format of checkpoints.
///
/// Layout: an 8-byte little-endian header length `N`; `N` bytes of UTF-8 JSON
/// `{"name": {"data_offsets": [begin, end], "dtype": "F32", "shape": [...]}, ...,
/// "__metadata__": {"key": "value", ...}}` padded with spaces so that the data starts at a
/// multiple of 8; then the data, every tensor's values as little-endian IEEE 754 binary32,
/// row-major, at bytes `begin..<end` of the data section.
///
/// Only `F32` tensors are supported. Encoding is deterministic: tensors are written sorted by
/// name (UTF-8 byte order) with contiguous offsets, the JSON has sorted keys and no whitespace,
/// and `__metadata__` is present only when the metadata is not empty. Decoding validates every
/// field and byte range and throws `DeepBayesError.invalidFile` instead of trapping.
public struct SafetensorsFile: Sendable, Equatable {
    /// The tensors, sorted by name (UTF-8 byte order); `values` is row-major and has
    /// `shape.reduce(1, *)` elements (one for the scalar shape `[]`).
    public let tensors: [(name: String, shape: [Int], values: [Float])]
    /// Free-form string metadata (the header's `__metadata__`).
    public let metadata: [String: String]

    /// The key of the header entry that holds the metadata rather than a tensor.
    public static let metadataKey = "__metadata__"

    /// Collects tensors (in any order; they are stored sorted by name) and metadata.
    /// - Throws: `DeepBayesError.invalidArgument` for a duplicate or reserved name, a negative
    ///   dimension, or a value count that does not match the shape.
    public init(tensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String] = [:]) throws {
        let operation = "SafetensorsFile"
        var names = Set<String>()
        for tensor in tensors {
            guard tensor.name != Self.metadataKey else {
                throw DeepBayesError.invalidArgument(operation: operation, reason: "the tensor name \(Self.metadataKey) is reserved for metadata")
            }
            guard names.insert(tensor.name).inserted else {
                throw DeepBayesError.invalidArgument(operation: operation, reason: "duplicate tensor name '\(tensor.name)'")
            }
            guard let count = Self.elementCount(tensor.shape) else {
                throw DeepBayesError.invalidArgument(operation: operation, reason: "tensor '\(tensor.name)': invalid shape \(tensor.shape)")
            }
            guard count == tensor.values.count else {
                throw DeepBayesError.invalidArgument(
                    operation: operation,
                    reason: "tensor '\(tensor.name)': shape \(tensor.shape) has \(count) elements but \(tensor.values.count) values were given")
            }
        }
        self.init(sortedTensors: tensors.sorted { Self.precedes($0.name, $1.name) }, metadata: metadata)
    }

    /// Stores tensors that are already validated and sorted by name.
    init(sortedTensors: [(name: String, shape: [Int], values: [Float])], metadata: [String: String]) {
        self.tensors = sortedTensors
        self.metadata = metadata
    }

    /// The tensor called `name`, or nil.
    public func tensor(named name: String) -> (shape: [Int], values: [Float])? {
        tensors.first { $0.name == name }.map { ($0.shape, $0.values) }
    }

    /// Equal names, shapes, metadata and bit-identical values (so NaN payloads and the sign of
    /// zero count, exactly as they are stored).
    public static func == (lhs: SafetensorsFile, rhs: SafetensorsFile) -> Bool {
        lhs.metadata == rhs.metadata && lhs.tensors.count == rhs.tensors.count
            && zip(lhs.tensors, rhs.tensors).allSatisfy { a, b in
                a.name == b.name && a.shape == b.shape
                    && a.values.map(\.bitPattern) == b.values.map(\.bitPattern)
            }
    }

    /// The file's bytes: header length, padded JSON header, then the data.
    public func encode() -> Data {
        var entries: [(key: String, json: String)] = []
        var offset = 0
        for tensor in tensors {
            let end = offset + 4 * tensor.values.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            entries.append((tensor.name, "{\"data_offsets\":[\(offset),\(end)],\"dtype\":\"F32\",\"shape\":[\(shape)]}"))
            offset = end
        }
        if !metadata.isEmpty {
            let pairs = metadata.sorted { Self.precedes($0.key, $1.key) }
                .map { "\(JSONStringLiteral.quoting($0.key)):\(JSONStringLiteral.quoting($0.value))" }
            entries.append((Self.metadataKey, "{" + pairs.joined(separator: ",") + "}"))
        }
        entries.sort { Self.precedes($0.key, $1.key) }
        var header = Array(("{" + entries.map { "\(JSONStringLiteral.quoting($0.key)):\($0.json)" }.joined(separator: ",") + "}").utf8)
        header += repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8)

        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for tensor in tensors {
            for value in tensor.values {
                withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
            }
        }
        return Data(bytes)
    }

    /// Writes the encoded file atomically (see `AtomicFile`).
    public func write(to url: URL) throws {
        try AtomicFile.write(encode(), to: url)
    }

    /// Reads and decodes the file at `url`.
    /// - Throws: `DeepBayesError.invalidFile` if it cannot be read or is not a valid F32 safetensors file.
    ///   A file too large to decode in this process's memory (its bytes and their copy as
    ///   floats: about three times its size) throws `exceedsMemory` before it is read.
    public static func read(from url: URL) throws -> SafetensorsFile {
        if let size = try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int {
            try MemoryBudget.checkHost(3 * Double(size), "\(url.path): reading this \(BackendCapabilities.bytes(size)) file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DeepBayesError.invalidFile(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try decode(data, path: url.path)
    }

    /// The number of elements of `shape`, or nil for a negative dimension or an overflow.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }

    /// Orders strings by their UTF-8 bytes (which is Unicode code-point order), so the order
    /// never depends on Unicode normalization.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
