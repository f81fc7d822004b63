/// A strict JSON parser (RFC 8259) over UTF-8 bytes, for headers that may be hostile.
///
/// Accepted grammar, and nothing else:
///
///     document = ws value ws                      ; nothing may follow but whitespace
///     value    = object / array / string / number / "true" / "false" / "null"
///     object   = "{" ws [ member *( ws "," ws member ) ] ws "}"
///     member   = string ws ":" ws value
///     array    = "[" ws [ value *( ws "," ws value ) ] ws "]"
///     number   = [ "-" ] ( "0" / %x31-39 *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
///     string   = %x22 *( unescaped / "\" ( %x22 / "\" / "/" / "b" / "f" / "n" / "r" / "t" / "u" 4HEXDIG ) ) %x22
///     ws       = *( %x20 / %x09 / %x0A / %x0D )
///
/// `unescaped` is any well-formed UTF-8 sequence except `"`, `\` and the control characters
/// U+0000–U+001F. A `\u` escape of a high surrogate must be followed by one of a low surrogate;
/// a lone surrogate is refused. A number without fraction or exponent that fits in `Int` is
/// `.integer`; every other number is `.number`, and one too large for a finite `Double` is
/// refused. Also refused: a byte-order mark, a key repeated in one object (keys are compared as
/// Swift strings, so two spellings of one canonically equivalent key count as a repeat), and
/// arrays and objects nested deeper than `maximumDepth`, so recursion stays shallow. Every
/// failure is a `Failure` naming the 0-based byte offset and the reason; no input traps.
struct JSONParser {
    /// Why and where parsing stopped; it reads "at byte 17: expected ':' after an object key".
    struct Failure: Error, Equatable, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "at byte \(offset): \(reason)" }
    }

    /// The deepest nesting of arrays and objects accepted; `[[1]]` has depth 2.
    static let maximumDepth = 64

    /// The value `input` holds, or the first thing wrong with it.
    static func parse(_ input: some Collection<UInt8>) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: Array(input))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.current == nil else { throw parser.failure("unexpected data after the top-level value") }
        return value
    }

    private let bytes: [UInt8]
    private var position = 0

    /// The byte at `position`, or nil at the end of the input.
    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private func failure(_ reason: String, at offset: Int? = nil) -> Failure { Failure(offset: offset ?? position, reason: reason) }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    /// Consumes `byte` if it comes next; returns whether it did.
    private mutating func take(_ byte: Unicode.Scalar) -> Bool {
        guard current == UInt8(ascii: byte) else { return false }
        position += 1
        return true
    }

    /// The value starting at `position`, inside `depth` arrays and objects.
    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard let byte = current else { throw failure("expected a value, but the input ended") }
        switch byte {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("expected a value")
        }
    }

    /// Refuses an array or object at `position` that would be nested `depth` deep.
    private func checkDepth(_ depth: Int) throws(Failure) {
        guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func object(depth: Int) throws(Failure) -> JSONValue {
        try checkDepth(depth)
        position += 1  // "{"
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if take("}") { return .object(members) }
        repeat {
            skipWhitespace()
            let keyStart = position
            guard current == UInt8(ascii: "\"") else { throw failure("expected a string key in an object") }
            let key = try string()
            guard members[key] == nil else { throw failure("duplicate key '\(key)'", at: keyStart) }
            skipWhitespace()
            guard take(":") else { throw failure("expected ':' after an object key") }
            skipWhitespace()
            members[key] = try value(depth: depth)
            skipWhitespace()
        } while take(",")
        guard take("}") else { throw failure("expected ',' or '}' after an object member") }
        return .object(members)
    }

    private mutating func array(depth: Int) throws(Failure) -> JSONValue {
        try checkDepth(depth)
        position += 1  // "["
        var elements: [JSONValue] = []
        skipWhitespace()
        if take("]") { return .array(elements) }
        repeat {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
        } while take(",")
        guard take("]") else { throw failure("expected ',' or ']' after an array element") }
        return .array(elements)
    }

    private mutating func literal(_ word: String) throws(Failure) {
        let start = position
        for byte in word.utf8 {
            guard current == byte else { throw failure("expected '\(word)'", at: start) }
            position += 1
        }
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = position
        _ = take("-")
        if take("0") {
            if let byte = current, isDigit(byte) { throw failure("a number may not have a leading zero", at: start) }
        } else {
            try digits(orFail: "expected a digit")
        }
        let hasFraction = take(".")
        if hasFraction { try digits(orFail: "expected a digit after '.'") }
        let hasExponent = take("e") || take("E")
        if hasExponent {
            _ = take("+") || take("-")
            try digits(orFail: "expected a digit in the exponent")
        }
        // The standard library's parsers check for overflow: `Int` gives nil, `Double` infinity.
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if !hasFraction && !hasExponent, let integer = Int(text) { return .integer(integer) }
        guard let number = Double(text), number.isFinite else { throw failure("the number \(text) is out of range", at: start) }
        return .number(number)
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private mutating func digits(orFail reason: String) throws(Failure) {
        guard let first = current, isDigit(first) else { throw failure(reason) }
        while let byte = current, isDigit(byte) { position += 1 }
    }

    /// The string whose opening quote is at `position`.
    private mutating func string() throws(Failure) -> String {
        position += 1  // opening quote
        var utf8: [UInt8] = []
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: utf8, as: UTF8.self)  // validated as it was read
            case UInt8(ascii: "\\"): try escape(into: &utf8)
            case 0x00..<0x20:
                let hex = String(byte, radix: 16, uppercase: true)
                throw failure("control character U+\(String(repeating: "0", count: 4 - hex.count) + hex) must be escaped in a string")
            case 0x80...: try multibyte(into: &utf8)
            default: utf8.append(byte); position += 1
            }
        }
        throw failure("unterminated string")
    }

    /// What `\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r` and `\t` stand for, by the byte after the backslash.
    private static let simpleEscapes: [UInt8: UInt8] = [
        0x22: 0x22, 0x5C: 0x5C, 0x2F: 0x2F, 0x62: 0x08, 0x66: 0x0C, 0x6E: 0x0A, 0x72: 0x0D, 0x74: 0x09,
    ]

    /// Decodes the escape whose backslash is at `position`, appending its UTF-8.
    private mutating func escape(into utf8: inout [UInt8]) throws(Failure) {
        let start = position
        position += 1  // backslash
        guard let byte = current else { throw failure("unterminated string") }
        position += 1
        if let decoded = Self.simpleEscapes[byte] { utf8.append(decoded); return }
        guard byte == UInt8(ascii: "u") else {
            throw failure(byte >= 0x20 && byte < 0x7F ? "invalid escape '\\\(Character(Unicode.Scalar(byte)))'" : "invalid escape", at: start)
        }
        var code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
            guard take("\\"), take("u") else { throw failure("unpaired surrogate in a \\u escape", at: start) }
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate in a \\u escape", at: start) }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw failure("unpaired surrogate in a \\u escape", at: start) }
        UTF8.encode(scalar) { utf8.append($0) }
    }

    /// The four hex digits at `position`, as a number.
    private mutating func hex4() throws(Failure) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit: UInt8? = switch current {
            case let byte? where isDigit(byte): byte - 0x30
            case let byte? where (0x41...0x46).contains(byte): byte - 0x37  // A-F
            case let byte? where (0x61...0x66).contains(byte): byte - 0x57  // a-f
            default: nil
            }
            guard let digit else { throw failure("expected four hex digits after '\\u'") }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    /// Copies the well-formed multi-byte UTF-8 sequence at `position` (Unicode Table 3-7).
    private mutating func multibyte(into utf8: inout [UInt8]) throws(Failure) {
        let start = position
        let (continuations, second): (Int, ClosedRange<UInt8>) = switch bytes[start] {
        case 0xC2...0xDF: (1, 0x80...0xBF)
        case 0xE0: (2, 0xA0...0xBF)
        case 0xED: (2, 0x80...0x9F)
        case 0xE1...0xEF: (2, 0x80...0xBF)
        case 0xF0: (3, 0x90...0xBF)
        case 0xF1...0xF3: (3, 0x80...0xBF)
        case 0xF4: (3, 0x80...0x8F)
        default: throw failure("invalid UTF-8 in a string")
        }
        guard bytes.count - start > continuations else { throw failure("invalid UTF-8 in a string") }
        for index in 1...continuations where !(index == 1 ? second : 0x80...0xBF).contains(bytes[start + index]) {
            throw failure("invalid UTF-8 in a string")
        }
        utf8.append(contentsOf: bytes[start...(start + continuations)])
        position += continuations + 1
    }
}
