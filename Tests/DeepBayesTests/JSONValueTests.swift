@testable import DeepBayesFiles
import Testing

/// The strict JSON parser behind safetensors headers: what it accepts, what it refuses and with
/// which message, and that no input makes it trap.
@Suite struct JSONValueTests {
    static func parse(_ text: String) throws(JSONParser.Failure) -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    /// The failure parsing `bytes` gives, or nil when it parses.
    static func failure(_ bytes: [UInt8]) -> JSONParser.Failure? {
        do {
            _ = try JSONParser.parse(bytes)
            return nil
        } catch {
            return error
        }
    }

    static func failure(_ text: String) -> JSONParser.Failure? { failure(Array(text.utf8)) }

    /// Parsing `text` fails at `offset` for `reason`.
    static func expectFailure(_ text: String, at offset: Int, _ reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(failure(text) == JSONParser.Failure(offset: offset, reason: reason), "\(text)", sourceLocation: sourceLocation)
    }

    @Test func everyValueKind() throws {
        let text = #"{"n":null,"t":true,"f":false,"i":-12,"d":2.5,"e":1E3,"s":"x","a":[1,[],{}],"o":{"k":"v"}}"#
        #expect(try Self.parse(text) == .object([
            "n": .null, "t": .bool(true), "f": .bool(false), "i": .integer(-12), "d": .number(2.5), "e": .number(1000),
            "s": .string("x"), "a": .array([.integer(1), .array([]), .object([:])]), "o": .object(["k": .string("v")]),
        ]))
        #expect(try Self.parse("null") == .null)
        #expect(try Self.parse("true") == .bool(true))
        #expect(try Self.parse("0") == .integer(0))
        #expect(try Self.parse("-0") == .integer(0))
        #expect(try Self.parse("\"\"") == .string(""))
        #expect(try Self.parse("-1.5e-3") == .number(-0.0015))
        #expect(try Self.parse("1E+2") == .number(100))
        #expect(try Self.parse("1.0") == .number(1))
        #expect(try Self.parse("1e-400") == .number(0))
        // All four kinds of whitespace, everywhere whitespace may go.
        #expect(try Self.parse(" \t\n\r[ \t\n\r1 \t\n\r, \t\n\r{ \r\"k\" \n: \t2 } \t\n\r] \t\n\r") == .array([.integer(1), .object(["k": .integer(2)])]))
    }

    @Test func escapesAndUnicode() throws {
        #expect(try Self.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try Self.parse(#""\u0041\u00e9\u00E9\u0000\u001f""#) == .string("A\u{E9}\u{E9}\u{0}\u{1F}"))
        #expect(try Self.parse(#""\uD83D\uDE00 \ud83d\ude00 \uDBFF\uDFFF""#) == .string("😀 😀 \u{10FFFF}"))
        #expect(try Self.parse("\"é😀\u{7F}\"") == .string("é😀\u{7F}"))
        // Every boundary of well-formed UTF-8 (Unicode Table 3-7).
        let edges: [[UInt8]] = [[0xC2, 0x80], [0xDF, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xEE, 0x80, 0x80],
                                [0xEF, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF]]
        for edge in edges {
            #expect(try JSONParser.parse([0x22] + edge + [0x22]) == .string(String(decoding: edge, as: UTF8.self)), "\(edge)")
        }
    }

    @Test func numbersAtIntsEdges() throws {
        #expect(try Self.parse("9223372036854775807") == .integer(Int.max))
        #expect(try Self.parse("-9223372036854775808") == .integer(Int.min))
        #expect(try Self.parse("9223372036854775808") == .number(9_223_372_036_854_775_808.0))
        #expect(try Self.parse("-9223372036854775809") == .number(-9_223_372_036_854_775_809.0))
        #expect(try Self.parse("100000000000000000000000000000") == .number(1e29))
        Self.expectFailure("1e400", at: 0, "the number 1e400 is out of range")
        Self.expectFailure("[-1e400]", at: 1, "the number -1e400 is out of range")
    }

    @Test func duplicateKeysAreRefused() throws {
        let duplicate = Self.failure(#"{"x":1,"x":2}"#)
        #expect(duplicate == JSONParser.Failure(offset: 7, reason: "duplicate key 'x'"))
        #expect(duplicate?.description == "at byte 7: duplicate key 'x'")
        Self.expectFailure(#"{"a":{"y":1, "y":[]}}"#, at: 13, "duplicate key 'y'")
        Self.expectFailure(#"{"A":1,"\u0041":2}"#, at: 7, "duplicate key 'A'")
        // Keys are Swift strings: two normalizations of "é" are one key.
        Self.expectFailure("{\"\u{E9}\":1,\"e\u{301}\":2}", at: 8, "duplicate key '\u{E9}'")
        // The same key in different objects is fine.
        #expect(try Self.parse(#"[{"x":1},{"x":2}]"#) == .array([.object(["x": .integer(1)]), .object(["x": .integer(2)])]))
        #expect(try Self.parse(#"{"x":{"x":1}}"#) == .object(["x": .object(["x": .integer(1)])]))
    }

    @Test func nestingIsLimitedTo64Levels() throws {
        func arrays(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        func objects(_ depth: Int) -> String { String(repeating: #"{"k":"#, count: depth) + "1" + String(repeating: "}", count: depth) }
        #expect(JSONParser.maximumDepth == 64)
        #expect(Self.failure(arrays(64)) == nil)
        #expect(Self.failure(objects(64)) == nil)
        Self.expectFailure(arrays(65), at: 64, "nested deeper than 64 levels")
        Self.expectFailure(objects(65), at: 5 * 64, "nested deeper than 64 levels")
        Self.expectFailure(String(repeating: "[{\"k\":", count: 40), at: 6 * 32, "nested deeper than 64 levels")
        // Hostile depth fails fast instead of overflowing the stack.
        Self.expectFailure(String(repeating: "[", count: 1_000_000), at: 64, "nested deeper than 64 levels")
    }

    @Test func structuralErrorsNameTheirByte() {
        Self.expectFailure("", at: 0, "expected a value, but the input ended")
        Self.expectFailure(" \n ", at: 3, "expected a value, but the input ended")
        Self.expectFailure(#"{"a" 1}"#, at: 5, "expected ':' after an object key")
        Self.expectFailure(#"{"a":1 "b":2}"#, at: 7, "expected ',' or '}' after an object member")
        Self.expectFailure("[1 2]", at: 3, "expected ',' or ']' after an array element")
        Self.expectFailure("{1:2}", at: 1, "expected a string key in an object")
        Self.expectFailure(#"{"a":1,}"#, at: 7, "expected a string key in an object")
        Self.expectFailure("[1,]", at: 3, "expected a value")
        Self.expectFailure("[,1]", at: 1, "expected a value")
        Self.expectFailure("tru", at: 0, "expected 'true'")
        Self.expectFailure("[nul]", at: 1, "expected 'null'")
        Self.expectFailure("False", at: 0, "expected a value")
        Self.expectFailure("'a'", at: 0, "expected a value")
        Self.expectFailure("\"abc", at: 4, "unterminated string")
        // Only the four RFC whitespace bytes: not vertical tab, form feed, NBSP or a byte-order mark.
        for prefix: [UInt8] in [[0x0B], [0x0C], [0xC2, 0xA0], [0xEF, 0xBB, 0xBF]] {
            #expect(Self.failure(prefix + [0x31]) == JSONParser.Failure(offset: 0, reason: "expected a value"))
        }
    }

    @Test func trailingDataIsRefused() {
        let reason = "unexpected data after the top-level value"
        Self.expectFailure("1 2", at: 2, reason)
        Self.expectFailure("{} x", at: 3, reason)
        Self.expectFailure("[]]", at: 2, reason)
        Self.expectFailure("nullx", at: 4, reason)
        Self.expectFailure("true false", at: 5, reason)
        Self.expectFailure("\"a\"\"b\"", at: 3, reason)
        Self.expectFailure("1\u{0}", at: 1, reason)
        Self.expectFailure("0x10", at: 1, reason)
        Self.expectFailure("1_000", at: 1, reason)
    }

    @Test func badNumbersAreRefused() {
        Self.expectFailure("01", at: 0, "a number may not have a leading zero")
        Self.expectFailure("-01", at: 0, "a number may not have a leading zero")
        Self.expectFailure("[00]", at: 1, "a number may not have a leading zero")
        Self.expectFailure("+1", at: 0, "expected a value")
        Self.expectFailure(".5", at: 0, "expected a value")
        Self.expectFailure("NaN", at: 0, "expected a value")
        Self.expectFailure("Infinity", at: 0, "expected a value")
        Self.expectFailure("-", at: 1, "expected a digit")
        Self.expectFailure("-Infinity", at: 1, "expected a digit")
        Self.expectFailure("- 1", at: 1, "expected a digit")
        Self.expectFailure("1.", at: 2, "expected a digit after '.'")
        Self.expectFailure("1.e5", at: 2, "expected a digit after '.'")
        Self.expectFailure("1e", at: 2, "expected a digit in the exponent")
        Self.expectFailure("1e+", at: 3, "expected a digit in the exponent")
        Self.expectFailure("1E-x", at: 3, "expected a digit in the exponent")
    }

    @Test func badEscapesAreRefused() {
        Self.expectFailure(#""\x""#, at: 1, #"invalid escape '\x'"#)
        Self.expectFailure(#""\'""#, at: 1, #"invalid escape '\''"#)
        Self.expectFailure(#""\U0041""#, at: 1, #"invalid escape '\U'"#)
        Self.expectFailure("\"\\\u{1}\"", at: 1, "invalid escape")
        Self.expectFailure(#""\u12""#, at: 5, #"expected four hex digits after '\u'"#)
        Self.expectFailure(#""\u12G4""#, at: 5, #"expected four hex digits after '\u'"#)
        Self.expectFailure(#""\u-123""#, at: 3, #"expected four hex digits after '\u'"#)
        Self.expectFailure(#""\uD800""#, at: 1, #"unpaired surrogate in a \u escape"#)
        Self.expectFailure(#""\uD800x""#, at: 1, #"unpaired surrogate in a \u escape"#)
        Self.expectFailure(#""\uD800\n""#, at: 1, #"unpaired surrogate in a \u escape"#)
        Self.expectFailure(#""\uD800\u0041""#, at: 1, #"unpaired surrogate in a \u escape"#)
        Self.expectFailure(#""\uD800\uD800""#, at: 1, #"unpaired surrogate in a \u escape"#)
        Self.expectFailure(#""\uDC00""#, at: 1, #"unpaired surrogate in a \u escape"#)
        Self.expectFailure(#""a\uDFFF\uD800""#, at: 2, #"unpaired surrogate in a \u escape"#)
        Self.expectFailure(#""\uD800\u12""#, at: 11, #"expected four hex digits after '\u'"#)
        Self.expectFailure("\"\\", at: 2, "unterminated string")
    }

    @Test func rawControlCharactersAreRefused() {
        for byte in UInt8(0)..<0x20 {
            let hex = String(byte, radix: 16, uppercase: true)
            let reason = "control character U+\(String(repeating: "0", count: 4 - hex.count) + hex) must be escaped in a string"
            #expect(Self.failure([0x22, 0x61, byte, 0x22]) == JSONParser.Failure(offset: 2, reason: reason))
        }
        Self.expectFailure("\"a\nb\"", at: 2, "control character U+000A must be escaped in a string")
    }

    @Test func invalidUTF8IsRefused() {
        let invalid: [[UInt8]] = [
            [0x80], [0xBF], [0xFF], [0xFE], [0xC0, 0x80], [0xC1, 0xBF], [0xC2], [0xC2, 0x41], [0xC2, 0xC0],
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xE2, 0x82], [0xE2, 0x82, 0x41],
            [0xF0, 0x80, 0x80, 0x80], [0xF0, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80],
            [0xF8, 0x88, 0x80, 0x80, 0x80], [0xF0, 0x9F, 0x98],
        ]
        for sequence in invalid {
            #expect(Self.failure([0x22, 0x61] + sequence + [0x22]) == JSONParser.Failure(offset: 2, reason: "invalid UTF-8 in a string"),
                    "\(sequence)")
        }
        // Cut off by the end of the input.
        #expect(Self.failure([0x22, 0xE2, 0x82]) == JSONParser.Failure(offset: 1, reason: "invalid UTF-8 in a string"))
        // In a key too.
        #expect(Self.failure([0x7B, 0x22, 0xFF, 0x22, 0x3A, 0x31, 0x7D]) == JSONParser.Failure(offset: 2, reason: "invalid UTF-8 in a string"))
    }

    @Test func noPrefixOrMutationTraps() throws {
        let document = Array(#" {"a":[1,-2.5e+3,0,"\u00e9\uD83D\uDE00\n é😀",true,false,null,{},[]],"b":{"c":-0.5E-2}} "#.utf8)
        #expect(Self.failure(document) == nil)
        // Every proper prefix is refused (the top level is an object), at or before where it ends.
        for length in 0..<(document.count - 1) {
            let failure = Self.failure(Array(document[..<length]))
            #expect(failure != nil, "prefix of \(length) bytes parsed")
            #expect((failure?.offset ?? 0) <= length, "prefix of \(length) bytes")
        }
        // Replacing any byte by any of these parses or fails, but never traps.
        for index in document.indices {
            for replacement: UInt8 in [0x00, 0x20, 0x22, 0x2C, 0x2D, 0x30, 0x3A, 0x5B, 0x5C, 0x5D, 0x65, 0x75, 0x7B, 0x7D, 0x80, 0xC3, 0xF0, 0xFF] {
                var mutated = document
                mutated[index] = replacement
                _ = Self.failure(mutated)
            }
        }
    }
}
