import DeepBayesCore
import DeepBayesData
import DeepBayesTraining
import Foundation
import Testing

/// The character vocabulary, the corpus loader and its refusals on small temporary files, the
/// truncated-BPTT chunks, and the shipped text.
@Suite struct CharacterCorpusTests {
    /// The one-line description of the `DeepBayesError` that `body` throws ("" after recording
    /// an issue if it throws none or another error).
    static func message(sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) -> String {
        MessageTests.message(sourceLocation: sourceLocation, body) ?? ""
    }

    // MARK: - Vocabulary

    @Test func vocabularyIsTheSortedDistinctBytesAndRoundTrips() throws {
        let vocabulary = try CharacterVocabulary(text: Array("hello, world\n".utf8))
        #expect(vocabulary.characters == Array("\n ,dehlorw".utf8))
        #expect(vocabulary.count == 10)
        let indices = try vocabulary.encode("world hello")
        #expect(indices == [9, 7, 8, 6, 3, 1, 5, 4, 6, 6, 7])
        #expect(vocabulary.decode(indices) == "world hello")
        let restored = try CharacterVocabulary(stored: vocabulary.stored)
        #expect(restored == vocabulary)
        #expect(try restored.encode("held") == [5, 4, 6, 3])
    }

    @Test func encodingRefusesAByteOutsideTheVocabulary() throws {
        let vocabulary = try CharacterVocabulary(text: Array("abc".utf8))
        let error = Self.message { _ = try vocabulary.encode("cab!a") }
        #expect(error == "encoding text: invalid argument: character '!' (0x21) at offset 3 is not in the 3-character vocabulary")
        #expect(Self.message { _ = try vocabulary.encode([0x61, 0xE9]) }.contains("character 0xe9 at offset 1"))
    }

    @Test func storedVocabularyStringsAreValidated() throws {
        #expect(Self.message { _ = try CharacterVocabulary(stored: "") }.contains("it is empty"))
        #expect(Self.message { _ = try CharacterVocabulary(stored: "abca") }.contains("'a' (0x61) at offset 3 comes after 'c' (0x63)"))
        #expect(Self.message { _ = try CharacterVocabulary(stored: "abbc") }.contains("'b' (0x62) at offset 2 repeats 'b' (0x62)"))
        #expect(Self.message { _ = try CharacterVocabulary(stored: "ab\u{E9}") }.contains("byte 0xc3 at offset 2 is not ASCII"))
        #expect(Self.message { _ = try CharacterVocabulary(stored: "\u{0}a") }.contains("byte 0x00 at offset 0"))
        #expect(Self.message { _ = try CharacterVocabulary(text: []) }.contains("the text is empty"))
        let everything = String(decoding: (1...127).map(UInt8.init), as: UTF8.self)
        #expect(try CharacterVocabulary(stored: everything).count == 127)
    }

    // MARK: - Corpus

    @Test func thePartsAreContiguousAndAddUp() throws {
        let text = (0..<1_003).map { UInt8(97 + $0 % 26) }
        let corpus = try CharacterCorpus(text: text, path: "t.txt")
        #expect(corpus.vocabulary.count == 26)
        #expect(corpus.training.count == 902)
        #expect(corpus.validation.count == 50)
        #expect(corpus.test.count == 51)
        #expect(corpus.count == text.count)
        #expect(corpus.vocabulary.decode(corpus.training + corpus.validation + corpus.test) == String(decoding: text, as: UTF8.self))
        #expect(CharacterCorpus.boundaries(count: 1_003) == (902, 952))
        for count in [11, 19, 20, 21, 99, 100, 101, 12_345] {
            let (validationStart, testStart) = CharacterCorpus.boundaries(count: count)
            #expect(0 < validationStart && validationStart < testStart && testStart < count)
        }
    }

    @Test func loadRefusesBadFiles() throws {
        try IDXTests.withTemporaryDirectory { directory in
            let empty = try IDXTests.write([], "empty.txt", in: directory)
            #expect(Self.message { _ = try CharacterCorpus.load(url: empty) } == "\(empty.path): is empty")
            let accented = try IDXTests.write(Array("caf\u{E9} au lait".utf8), "accented.txt", in: directory)
            #expect(Self.message { _ = try CharacterCorpus.load(url: accented) }
                == "\(accented.path): has the non-ASCII byte 0xc3 at offset 3; a text must be ASCII without NUL")
            let nul = try IDXTests.write(Array("abcdefghijkl".utf8) + [0], "nul.txt", in: directory)
            #expect(Self.message { _ = try CharacterCorpus.load(url: nul) }.contains("has a NUL byte at offset 12"))
            let short = try IDXTests.write(Array("abcdefghij".utf8), "short.txt", in: directory)
            #expect(Self.message { _ = try CharacterCorpus.load(url: short) }.contains("has 10 characters, too few"))
            #expect(try CharacterCorpus.load(url: IDXTests.write(Array("abcdefghijk".utf8), "eleven.txt", in: directory)).test.count == 1)
            let missing = directory.appendingPathComponent("missing.txt")
            #expect(Self.message { _ = try CharacterCorpus.load(url: missing) } == "\(missing.path): no such file")
            #expect(Self.message { _ = try CharacterCorpus.load(url: directory) }.contains("is a directory"))

            // A sparse file one byte over the limit: refused from its size, before it is read.
            let large = directory.appendingPathComponent("large.txt")
            #expect(FileManager.default.createFile(atPath: large.path, contents: nil))
            let handle = try FileHandle(forWritingTo: large)
            try handle.truncate(atOffset: UInt64(CharacterCorpus.maximumFileBytes + 1))
            try handle.close()
            #expect(Self.message { _ = try CharacterCorpus.load(url: large) }
                == "\(large.path): is 16777217 bytes, more than the 16777216 bytes (16 MiB) a text may have")
        }
    }

    // MARK: - Chunks

    @Test func chunksAreShiftedByOneAndContinueEachStream() throws {
        let encoded = (0..<103).map { $0 % 50 }
        let batches = try SequenceBatches(encoded, streams: 3, length: 4)
        #expect(batches.streamLength == 34)
        #expect(batches.count == 8)  // ⌊(34 − 1) / 4⌋
        for (k, chunk) in batches.enumerated() {
            #expect(chunk.shape == [3, 4])
            for b in 0..<3 {
                let inputs = chunk.inputs[(b * 4)..<(b * 4 + 4)].map { Int($0) }
                let targets = chunk.targets[(b * 4)..<(b * 4 + 4)].map { Int($0) }
                let start = b * 34 + k * 4
                #expect(inputs == Array(encoded[start..<(start + 4)]))
                #expect(Array(inputs.dropFirst()) == Array(targets.dropLast()))
                #expect(targets.last == encoded[start + 4])
                if k > 0 {
                    // Chunk k starts at the character that followed chunk k − 1's last input.
                    let previous = batches[k - 1].targets[b * 4 + 3]
                    #expect(Float(inputs[0]) == previous)
                }
            }
        }
        // The last target read stays inside its stream.
        #expect((batches.count - 1) * 4 + 4 <= batches.streamLength - 1)
    }

    @Test func chunksRefuseSizesThatMakeNone() throws {
        let encoded = [Int](repeating: 1, count: 15)
        #expect(try SequenceBatches(encoded, streams: 3, length: 4).count == 1)
        #expect(Self.message { _ = try SequenceBatches(encoded, streams: 3, length: 5) }
            == "sequence batches: invalid argument: 15 characters cannot make one chunk of 3 streams of 5 steps: that needs 3 x (5 + 1) characters")
        #expect(Self.message { _ = try SequenceBatches(encoded, streams: 0, length: 4) }.contains("at least 1"))
        #expect(Self.message { _ = try SequenceBatches(encoded, streams: 1, length: 0) }.contains("at least 1"))
        #expect(Self.message { _ = try SequenceBatches(encoded, streams: 1, length: .max) }.contains("cannot make one chunk"))
    }

    // MARK: - The shipped text

    @Test func theShippedTextLoads() throws {
        let url = try DataSource(root: nil).text(CharacterCorpus.shippedTextName)
        let corpus = try CharacterCorpus.load(url: url)
        #expect(corpus.count == 468_199)
        #expect(corpus.vocabulary.count == 77)
        #expect(corpus.vocabulary.decode(Array(corpus.training.prefix(14))) == "Paradise Lost ")
        #expect(corpus.vocabulary.decode(Array(corpus.test.suffix(10))) == "[The End]\n")
        #expect(try CharacterVocabulary(stored: corpus.vocabulary.stored) == corpus.vocabulary)
        #expect(try SequenceBatches(corpus.training, streams: 32, length: 100).count == 131)
        #expect(Self.message { _ = try DataSource(root: nil).text("no-such-text") }.contains("has: paradise-lost"))
        #expect(Self.message { _ = try DataSource(root: nil).text("../text/paradise-lost") }.contains("is not a text name"))
    }
}
