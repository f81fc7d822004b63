import DeepBayesCore
import Foundation

/// An ASCII text for a character-level language model, encoded with the vocabulary of the
/// whole text and cut into three contiguous parts.
///
/// With `n` characters, the parts are `training = [0, ⌊90n/100⌋)`,
/// `validation = [⌊90n/100⌋, ⌊95n/100⌋)` and `test = [⌊95n/100⌋, n)` (integer division), in the
/// text's order: 90%, 5% and 5%, nothing shuffled, so each part is running text. The
/// vocabulary is built over all `n` characters, so the validation and test parts never hold a
/// character the model has no index for.
public struct CharacterCorpus: Sendable {
    /// The name of the text shipped in `Data/text/` (`DataSource.text(_:)` finds it).
    public static let shippedTextName = "paradise-lost"
    /// The largest file `load(url:)` reads: 16 MiB.
    public static let maximumFileBytes = 16 << 20

    /// The characters of the whole text.
    public let vocabulary: CharacterVocabulary
    /// The character indices of the first 90%.
    public let training: [Int]
    /// The character indices of the next 5%.
    public let validation: [Int]
    /// The character indices of the last 5%.
    public let test: [Int]

    /// The number of characters in all three parts: the whole text.
    public var count: Int { training.count + validation.count + test.count }

    /// Reads the text file at `url`. Throws `invalidFile` naming the file for one larger than
    /// `maximumFileBytes` (checked with `stat` before anything is read), one that is missing or
    /// not a regular file, and for what `init(text:path:)` refuses.
    public static func load(url: URL) throws -> CharacterCorpus {
        var info = stat()
        if stat(url.path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
            try checkSize(Int(info.st_size), path: url.path)
        }
        let bytes = try IDXFile.contents(of: url)
        // The file may have grown since `stat`.
        try checkSize(bytes.count, path: url.path)
        return try CharacterCorpus(text: bytes, path: url.path)
    }

    /// `invalidFile` if `size` bytes exceed `maximumFileBytes`.
    private static func checkSize(_ size: Int, path: String) throws {
        guard size <= maximumFileBytes else {
            throw DeepBayesError.invalidFile(path: path, reason: "is \(size) bytes, more than the \(maximumFileBytes) bytes (16 MiB) a text may have")
        }
    }

    /// Encodes and splits `text` (`path` names it in errors). Throws `invalidFile` for an empty
    /// text, a NUL or non-ASCII byte (naming its offset), or a text too short to give every
    /// part at least one character (fewer than 11 characters).
    public init(text: [UInt8], path: String) throws {
        guard !text.isEmpty else {
            throw DeepBayesError.invalidFile(path: path, reason: "is empty")
        }
        if let offset = text.firstIndex(where: { !CharacterVocabulary.isAllowed($0) }) {
            let kind = text[offset] == 0 ? "a NUL byte" : "the non-ASCII byte \(CharacterVocabulary.hex(text[offset]))"
            throw DeepBayesError.invalidFile(path: path, reason: "has \(kind) at offset \(offset); a text must be ASCII without NUL")
        }
        let (trainingEnd, validationEnd) = Self.boundaries(count: text.count)
        guard 0 < trainingEnd, trainingEnd < validationEnd, validationEnd < text.count else {
            throw DeepBayesError.invalidFile(path: path, reason: "has \(text.count) characters, too few for non-empty training, validation and test parts")
        }
        vocabulary = try CharacterVocabulary(text: text)
        let encoded = try vocabulary.encode(text)
        training = Array(encoded[..<trainingEnd])
        validation = Array(encoded[trainingEnd..<validationEnd])
        test = Array(encoded[validationEnd...])
    }

    /// Where the validation and the test part of `count` characters start:
    /// `(⌊90·count/100⌋, ⌊95·count/100⌋)`.
    public static func boundaries(count: Int) -> (validationStart: Int, testStart: Int) {
        (count * 90 / 100, count * 95 / 100)
    }
}
