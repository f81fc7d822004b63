import DeepBayesCore
import Foundation

extension SafetensorsFile {
    /// Decodes a safetensors file, validating everything before reading any value.
    ///
    /// Checked: the 8-byte length field is present; the header fits in the file; the header
    /// is strict JSON as `JSONParser` reads it (RFC 8259: well-formed UTF-8, no key twice in one
    /// object, at most 64 levels of nesting, nothing after the value), else the reason is "the
    /// header is not valid JSON: at byte N: <why>" with N counted from the header's first byte,
    /// so a tensor named twice gives "…: at byte N: duplicate key 'name'"; it is a JSON object;
    /// `__metadata__`, if present, maps strings to strings; every tensor entry has `dtype`
    /// `"F32"`, a `shape` of non-negative integers and `data_offsets` `[begin, end]` with
    /// `begin <= end`, `end - begin == 4 × elements` and `end` within the data; the tensors'
    /// byte ranges do not overlap and cover the data exactly (no holes, no trailing bytes), as
    /// the format requires. `path` only names the file in errors.
    /// - Throws: `DeepBayesError.invalidFile(path:reason:)` saying what is wrong.
    public static func decode(_ data: Data, path: String) throws -> SafetensorsFile {
        func invalid(_ reason: String) -> DeepBayesError { .invalidFile(path: path, reason: reason) }

        let bytes = [UInt8](data)
        guard bytes.count >= 8 else {
            throw invalid("the file is \(bytes.count) bytes long, shorter than the 8-byte header length")
        }
        let headerLength = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw invalid("the header length \(headerLength) exceeds the \(bytes.count - 8) bytes that follow it")
        }
        let dataStart = 8 + Int(headerLength)
        let dataSize = bytes.count - dataStart

        let parsed: JSONValue
        do {
            parsed = try JSONParser.parse(bytes[8..<dataStart])
        } catch {
            throw invalid("the header is not valid JSON: \(error)")
        }
        guard case let .object(header) = parsed else { throw invalid("the header is \(parsed.kind), not a JSON object") }

        var metadata: [String: String] = [:]
        if let entry = header[metadataKey] {
            guard case let .object(object) = entry else { throw invalid("\(metadataKey) is \(entry.kind), not an object") }
            for (key, value) in object {
                guard case let .string(text) = value else {
                    throw invalid("\(metadataKey) value for '\(key)' is \(value.kind), not a string")
                }
                metadata[key] = text
            }
        }

        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        for (name, entry) in header where name != metadataKey {
            guard case let .object(fields) = entry else { throw invalid("tensor '\(name)': the entry is \(entry.kind), not an object") }
            guard let dtype = fields["dtype"] else { throw invalid("tensor '\(name)': missing field 'dtype'") }
            guard case let .string(dtypeName) = dtype else { throw invalid("tensor '\(name)': 'dtype' is \(dtype.kind), not a string") }
            guard dtypeName == "F32" else { throw invalid("tensor '\(name)': dtype \(dtypeName) is not supported (only F32)") }

            guard let shapeField = fields["shape"] else { throw invalid("tensor '\(name)': missing field 'shape'") }
            guard let shape = nonNegativeIntegers(shapeField) else {
                throw invalid("tensor '\(name)': 'shape' must be an array of non-negative integers")
            }
            guard let offsetsField = fields["data_offsets"] else { throw invalid("tensor '\(name)': missing field 'data_offsets'") }
            guard let offsets = nonNegativeIntegers(offsetsField), offsets.count == 2 else {
                throw invalid("tensor '\(name)': 'data_offsets' must be two non-negative integers [begin, end]")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin <= end else { throw invalid("tensor '\(name)': data_offsets [\(begin), \(end)] end before they begin") }
            guard end <= dataSize else {
                throw invalid("tensor '\(name)': data_offsets [\(begin), \(end)] run past the end of the \(dataSize) data bytes")
            }
            guard let count = elementCount(shape), case let (byteCount, false) = count.multipliedReportingOverflow(by: 4) else {
                throw invalid("tensor '\(name)': shape \(shape) has too many elements")
            }
            guard byteCount == end - begin else {
                throw invalid("tensor '\(name)': shape \(shape) needs \(byteCount) bytes but data_offsets [\(begin), \(end)] span \(end - begin)")
            }
            entries.append((name, shape, begin, end))
        }

        var covered = 0
        for entry in entries.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            guard entry.begin >= covered else {
                throw invalid("tensor '\(entry.name)': data_offsets [\(entry.begin), \(entry.end)] overlap another tensor's data")
            }
            guard entry.begin == covered else {
                throw invalid("data bytes \(covered)..<\(entry.begin) belong to no tensor")
            }
            covered = entry.end
        }
        guard covered == dataSize else {
            throw invalid("data bytes \(covered)..<\(dataSize) belong to no tensor")
        }

        let tensors = entries.sorted { precedes($0.name, $1.name) }.map { entry in
            let values = (0..<(entry.end - entry.begin) / 4).map { index -> Float in
                let at = dataStart + entry.begin + 4 * index
                let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                return Float(bitPattern: bits)
            }
            return (name: entry.name, shape: entry.shape, values: values)
        }
        return SafetensorsFile(sortedTensors: tensors, metadata: metadata)
    }

    /// The elements of a JSON array of non-negative integers, or nil for anything else.
    private static func nonNegativeIntegers(_ value: JSONValue) -> [Int]? {
        guard case let .array(elements) = value else { return nil }
        var result: [Int] = []
        for element in elements {
            guard case let .integer(integer) = element, integer >= 0 else { return nil }
            result.append(integer)
        }
        return result
    }
}
