import DeepBayesCore

/// The characters a character-level language model reads and writes: the distinct bytes of an
/// ASCII text, sorted ascending, character `characters[i]` having index `i`.
///
/// Only ASCII without NUL (bytes 1...127) is allowed, so one byte is one character, a
/// vocabulary has at most 127 characters, and it round-trips through a `String` of its
/// characters (`stored`, `init(stored:)`), which is how checkpoints keep it.
public struct CharacterVocabulary: Equatable, Sendable {
    /// The characters, ascending and distinct.
    public let characters: [UInt8]
    /// For each byte value, its index in `characters`, or -1 when it is not one of them.
    private let indexOfByte: [Int]

    /// The number of characters (the model's input and output width).
    public var count: Int { characters.count }

    /// The vocabulary of `text`: its distinct bytes, sorted. `invalidArgument` for an empty text
    /// or a byte outside 1...127, naming its offset.
    public init(text: [UInt8]) throws {
        var present = [Bool](repeating: false, count: 256)
        for (offset, byte) in text.enumerated() {
            guard Self.isAllowed(byte) else {
                throw DeepBayesError.invalidArgument(operation: "character vocabulary",
                                                     reason: "byte \(Self.hex(byte)) at offset \(offset) is not ASCII without NUL (1...127)")
            }
            present[Int(byte)] = true
        }
        let characters = (0...255).filter { present[$0] }.map(UInt8.init)
        guard !characters.isEmpty else {
            throw DeepBayesError.invalidArgument(operation: "character vocabulary", reason: "the text is empty")
        }
        self.init(sortedDistinct: characters)
    }

    /// Restores a vocabulary from `stored` (the string of its characters, as `stored` gives it).
    /// `invalidArgument` unless the string is non-empty, ASCII without NUL, strictly ascending
    /// (so without duplicates) and hence at most 127 characters long.
    public init(stored: String) throws {
        let bytes = Array(stored.utf8)
        func refuse(_ reason: String) -> DeepBayesError {
            DeepBayesError.invalidArgument(operation: "stored character vocabulary", reason: reason)
        }
        guard !bytes.isEmpty else { throw refuse("it is empty") }
        if let offset = bytes.firstIndex(where: { !Self.isAllowed($0) }) {
            throw refuse("byte \(Self.hex(bytes[offset])) at offset \(offset) is not ASCII without NUL (1...127)")
        }
        if let offset = bytes.indices.dropFirst().first(where: { bytes[$0 - 1] >= bytes[$0] }) {
            let problem = bytes[offset - 1] == bytes[offset] ? "repeats" : "comes after"
            throw refuse("character \(Self.describe(bytes[offset])) at offset \(offset) \(problem) \(Self.describe(bytes[offset - 1])): the characters must be distinct and ascending")
        }
        self.init(sortedDistinct: bytes)
    }

    /// Builds the index table of characters already checked to be distinct, ascending, 1...127.
    private init(sortedDistinct characters: [UInt8]) {
        var indexOfByte = [Int](repeating: -1, count: 256)
        for (index, byte) in characters.enumerated() { indexOfByte[Int(byte)] = index }
        self.characters = characters
        self.indexOfByte = indexOfByte
    }

    /// The characters as a string, for checkpoint metadata; `init(stored:)` restores it.
    public var stored: String { String(decoding: characters, as: UTF8.self) }

    /// The index of each byte of `bytes`; `invalidArgument` naming the first byte (and its
    /// offset) that is not in the vocabulary, for text a user gives (a prompt).
    public func encode(_ bytes: [UInt8]) throws -> [Int] {
        try bytes.enumerated().map { offset, byte in
            let index = indexOfByte[Int(byte)]
            guard index >= 0 else {
                throw DeepBayesError.invalidArgument(operation: "encoding text",
                                                     reason: "character \(Self.describe(byte)) at offset \(offset) is not in the \(count)-character vocabulary")
            }
            return index
        }
    }

    /// The UTF-8 bytes of `text` encoded as `encode(_:)` does.
    public func encode(_ text: String) throws -> [Int] {
        try encode(Array(text.utf8))
    }

    /// The text whose character indices are `indices`. An index outside `0..<count` is a
    /// programming error (a model's outputs are always in range) and traps.
    public func decode(_ indices: [Int]) -> String {
        String(decoding: indices.map { index -> UInt8 in
            precondition(characters.indices.contains(index), "character index \(index) is outside 0..<\(count)")
            return characters[index]
        }, as: UTF8.self)
    }

    /// Whether `byte` may be a character: ASCII without NUL.
    static func isAllowed(_ byte: UInt8) -> Bool { (1...127).contains(byte) }

    /// `0x` and two hex digits.
    static func hex(_ byte: UInt8) -> String {
        "0x" + (byte < 16 ? "0" : "") + String(byte, radix: 16)
    }

    /// A byte for a one-line message: a printable ASCII character quoted, anything else in hex.
    static func describe(_ byte: UInt8) -> String {
        (32...126).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))' (\(hex(byte)))" : hex(byte)
    }
}
