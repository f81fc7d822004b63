import DeepBayesCore
import DeepBayesFiles
import Foundation
import Testing

/// Safetensors encoding, decoding and validation, and atomic file writes.
@Suite struct SafetensorsTests {
    /// A fresh empty directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("deepbayes-files-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
        return url
    }

    /// A file whose 8-byte length field says `length` (the real header length unless given)
    /// followed by `header` and `data`.
    static func file(header: String, data: [UInt8] = [], length: UInt64? = nil) -> Data {
        let headerBytes = Array(header.utf8)
        var bytes: [UInt8] = []
        withUnsafeBytes(of: (length ?? UInt64(headerBytes.count)).littleEndian) { bytes += $0 }
        return Data(bytes + headerBytes + data)
    }

    static func invalidFileReason(_ body: () throws -> Void, path: String) -> String? {
        do {
            try body()
        } catch let DeepBayesError.invalidFile(errorPath, reason) {
            return errorPath == path ? reason : "wrong path \(errorPath)"
        } catch {
            return "unexpected error \(error)"
        }
        return nil
    }

    /// Decoding `data` throws `invalidFile` for "bad.safetensors" whose reason contains `phrase`.
    static func expectInvalid(_ data: Data, _ phrase: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let reason = invalidFileReason({ _ = try SafetensorsFile.decode(data, path: "bad.safetensors") }, path: "bad.safetensors")
        #expect(reason != nil, "decoding did not throw", sourceLocation: sourceLocation)
        if let reason {
            #expect(reason.contains(phrase), "reason '\(reason)' does not mention '\(phrase)'", sourceLocation: sourceLocation)
        }
    }

    static let one: [UInt8] = [0x00, 0x00, 0x80, 0x3F]  // 1.0 as little-endian binary32
    static let two: [UInt8] = [0x00, 0x00, 0x00, 0x40]  // 2.0

    @Test func roundTripIsExact() throws {
        let special: [Float] = [.nan, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1.0 / 3.0]
        let original = try SafetensorsFile(
            tensors: [
                (name: "weight", shape: [2, 3], values: [1, -2, 3.5, 4e-8, 5e30, -6]),
                (name: "bias", shape: [7], values: special),
                (name: "step", shape: [], values: [42]),
                (name: "empty", shape: [0, 3], values: []),
                (name: "Zeta/ünïcode \"q\"", shape: [1, 1, 2], values: [0.25, -0.5]),
            ],
            metadata: ["format": "pt", "note": "quote \" backslash \\ newline \n tab \t bell \u{7} ü", "": "empty key"])

        #expect(original.tensors.map(\.name) == ["Zeta/ünïcode \"q\"", "bias", "empty", "step", "weight"])
        let decoded = try SafetensorsFile.decode(original.encode(), path: "memory")
        #expect(decoded == original)
        #expect(decoded.metadata == original.metadata)
        for (a, b) in zip(decoded.tensors, original.tensors) {
            #expect(a.name == b.name)
            #expect(a.shape == b.shape)
            #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
        }
        #expect(decoded.tensor(named: "step")?.shape == [])
        #expect(decoded.tensor(named: "step")?.values == [42])
        #expect(decoded.tensor(named: "missing") == nil)

        // Deterministic: the same bytes whatever the input order, and again after a round trip.
        let reordered = try SafetensorsFile(tensors: original.tensors.reversed(), metadata: original.metadata)
        #expect(reordered.encode() == original.encode())
        #expect(decoded.encode() == original.encode())
        #expect(original.encode().count % 8 == 0)

        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("model.safetensors")
        try original.write(to: url)
        #expect(try SafetensorsFile.read(from: url) == original)
    }

    @Test func knownBytes() throws {
        let file = try SafetensorsFile(tensors: [(name: "a", shape: [2], values: [1, 2])])
        // The JSON is 54 bytes; two spaces pad it to 56 = 0x38, a multiple of 8.
        let json = #"{"a":{"data_offsets":[0,8],"dtype":"F32","shape":[2]}}"#
        #expect(json.utf8.count == 54)
        let expected: [UInt8] = [0x38, 0, 0, 0, 0, 0, 0, 0] + Array(json.utf8) + [0x20, 0x20]
            + [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40]
        #expect([UInt8](file.encode()) == expected)
        #expect(try SafetensorsFile.decode(Data(expected), path: "known") == file)
    }

    @Test func metadataIsWrittenWithSortedKeys() throws {
        let file = try SafetensorsFile(tensors: [(name: "b", shape: [1], values: [1])], metadata: ["z": "1", "a": "2"])
        let expectedJSON = #"{"__metadata__":{"a":"2","z":"1"},"b":{"data_offsets":[0,4],"dtype":"F32","shape":[1]}}"#
        let bytes = [UInt8](file.encode())
        let headerLength = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(headerLength % 8 == 0)
        #expect(String(decoding: bytes[8..<(8 + headerLength)], as: UTF8.self) == expectedJSON.padding(toLength: headerLength, withPad: " ", startingAt: 0))
        #expect(Array(bytes[(8 + headerLength)...]) == Self.one)
    }

    @Test func invalidTensorsAreRejectedWhenBuilt() {
        #expect(throws: DeepBayesError.self) { try SafetensorsFile(tensors: [(name: "a", shape: [2], values: [1])]) }
        #expect(throws: DeepBayesError.self) { try SafetensorsFile(tensors: [(name: "a", shape: [-1], values: [])]) }
        #expect(throws: DeepBayesError.self) { try SafetensorsFile(tensors: [(name: "a", shape: [Int.max, 2], values: [])]) }
        #expect(throws: DeepBayesError.self) {
            try SafetensorsFile(tensors: [(name: "a", shape: [1], values: [1]), (name: "a", shape: [1], values: [2])])
        }
        #expect(throws: DeepBayesError.self) { try SafetensorsFile(tensors: [(name: "__metadata__", shape: [], values: [1])]) }
    }

    @Test func emptyFileDecodes() throws {
        let empty = try SafetensorsFile(tensors: [])
        #expect([UInt8](empty.encode()) == [8, 0, 0, 0, 0, 0, 0, 0] + Array("{}      ".utf8))
        let decoded = try SafetensorsFile.decode(empty.encode(), path: "empty")
        #expect(decoded.tensors.isEmpty && decoded.metadata.isEmpty)
    }

    @Test func corruptFilesThrowInvalidFile() {
        let a = #""a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
        let data = Self.one + Self.two

        // The valid file these variants start from does decode.
        #expect(throws: Never.self) { try SafetensorsFile.decode(Self.file(header: "{\(a)}", data: data), path: "good") }

        // Too short, and header lengths that do not fit (including one that does not fit an Int).
        Self.expectInvalid(Data(), "shorter than the 8-byte header length")
        Self.expectInvalid(Data([1, 2, 3, 4, 5, 6, 7]), "shorter than the 8-byte header length")
        Self.expectInvalid(Self.file(header: "{\(a)}", data: data, length: 1000), "exceeds")
        Self.expectInvalid(Self.file(header: "{\(a)}", data: data, length: UInt64.max), "exceeds")
        Self.expectInvalid(Self.file(header: "{\(a)}", data: data, length: UInt64(Int.max) + 1), "exceeds")

        // Not JSON, or not an object.
        Self.expectInvalid(Self.file(header: "{\"a\": {", data: data), "not valid JSON")
        Self.expectInvalid(Self.file(header: "", data: data), "not valid JSON")
        Self.expectInvalid(Self.file(header: "[1, 2]"), "not a JSON object")
        Self.expectInvalid(Self.file(header: "{\"a\": 3}", data: data), "not an object")

        // Missing or mistyped fields.
        Self.expectInvalid(Self.file(header: #"{"a":{"shape":[2],"data_offsets":[0,8]}}"#, data: data), "missing field 'dtype'")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","data_offsets":[0,8]}}"#, data: data), "missing field 'shape'")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[2]}}"#, data: data), "missing field 'data_offsets'")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":32,"shape":[2],"data_offsets":[0,8]}}"#, data: data), "'dtype' is a number")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":"2","data_offsets":[0,8]}}"#, data: data), "'shape' must be")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}"#, data: data), "'shape' must be")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, data: data), "'shape' must be")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[true],"data_offsets":[0,8]}}"#, data: data), "'shape' must be")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}"#, data: data), "'data_offsets' must be")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8,8]}}"#, data: data), "'data_offsets' must be")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[-8,0]}}"#, data: data), "'data_offsets' must be")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,1e30]}}"#, data: data), "'data_offsets' must be")
        Self.expectInvalid(Self.file(header: #"{"__metadata__":{"k":1},\#(a)}"#, data: data), "not a string")
        Self.expectInvalid(Self.file(header: #"{"__metadata__":["k"],\#(a)}"#, data: data), "__metadata__ is an array")

        // Other dtypes.
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, data: data), "dtype F16 is not supported")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"I32","shape":[2],"data_offsets":[0,8]}}"#, data: data), "dtype I32 is not supported")

        // Shape and offsets disagree, including a shape whose size overflows.
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: data), "needs 12 bytes")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,8]}}"#, data: data), "needs 4 bytes")
        Self.expectInvalid(
            Self.file(header: #"{"a":{"dtype":"F32","shape":[9223372036854775807,4],"data_offsets":[0,8]}}"#, data: data), "too many elements")
        Self.expectInvalid(
            Self.file(header: #"{"a":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,8]}}"#, data: data), "too many elements")

        // Offsets reversed, out of range, overlapping, leaving holes or trailing bytes.
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}"#, data: data), "end before they begin")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, data: data), "past the end")
        Self.expectInvalid(Self.file(header: "{\(a)}", data: Self.one), "past the end")
        Self.expectInvalid(
            Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                      data: data + Self.one),
            "overlap")
        Self.expectInvalid(
            Self.file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#,
                      data: data),
            "overlap")
        Self.expectInvalid(Self.file(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: data), "0..<4 belong to no tensor")
        Self.expectInvalid(Self.file(header: "{\(a)}", data: data + Self.one), "8..<12 belong to no tensor")
    }

    @Test func aTensorNamedTwiceIsRefused() {
        let entry = #"{"dtype":"F32","shape":[1],"data_offsets":"#
        let header = #"{"w":\#(entry)[0,4]},"w":\#(entry)[4,8]}}"#
        let reason = Self.invalidFileReason(
            { _ = try SafetensorsFile.decode(Self.file(header: header, data: Self.one + Self.two), path: "bad.safetensors") },
            path: "bad.safetensors")
        #expect(reason == "the header is not valid JSON: at byte 54: duplicate key 'w'")
    }

    @Test func readingAMissingFileThrowsInvalidFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("absent.safetensors")
        #expect(Self.invalidFileReason({ _ = try SafetensorsFile.read(from: url) }, path: url.path) != nil)
    }

    @Test func atomicWriteReplacesAndLeavesNoTemporaryFiles() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("checkpoint.bin")

        try AtomicFile.write(Data("old contents".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("old contents".utf8))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: url.path)

        try AtomicFile.write(Data("new".utf8), to: url)
        #expect(try Data(contentsOf: url) == Data("new".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["checkpoint.bin"])
        // A replaced file keeps its permissions.
        let permissions = try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber
        #expect(permissions?.intValue == 0o600)

        try AtomicFile.write(Data(), to: url)
        #expect(try Data(contentsOf: url).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["checkpoint.bin"])
    }

    @Test func atomicWriteIntoAMissingDirectoryThrowsInvalidFile() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("no-such-directory").appendingPathComponent("file.bin")
        let reason = Self.invalidFileReason({ try AtomicFile.write(Data([1, 2, 3]), to: url) }, path: url.path)
        #expect(reason?.contains("No such file or directory") == true, "reason: \(reason ?? "none")")
        #expect(!FileManager.default.fileExists(atPath: url.path))

        // Replacing a directory fails too, and leaves the directory and nothing else behind.
        let target = directory.appendingPathComponent("occupied")
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: false)
        try Data([1]).write(to: target.appendingPathComponent("inside"))
        #expect(Self.invalidFileReason({ try AtomicFile.write(Data([1, 2, 3]), to: target) }, path: target.path) != nil)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["occupied"])
    }
}
