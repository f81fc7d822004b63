import DeepBayesCore
import Foundation

/// Decoding the JSON descriptions checkpoints store (`ModelSpec`, `LanguageModelDescription`)
/// with one-line errors that name the field at fault.
enum DescriptionDecoding {
    /// `T` decoded from `json`; `path` names the checkpoint and `description` the JSON in errors:
    /// a missing field or one of the wrong type is named ("the model description lacks the
    /// field 'latent'"), and an invalid value says why.
    static func decode<T: Decodable>(_ type: T.Type, from json: String, path: String, description: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            throw DeepBayesError.invalidFile(path: path, reason: "\(description) lacks the field '\(fieldPath(context.codingPath + [key]))'")
        } catch let DecodingError.typeMismatch(type, context) {
            throw DeepBayesError.invalidFile(path: path, reason: "\(description)'s field '\(fieldPath(context.codingPath))' is not \(describe(type))")
        } catch let DecodingError.valueNotFound(type, context) {
            throw DeepBayesError.invalidFile(path: path, reason: "\(description)'s field '\(fieldPath(context.codingPath))' is null, not \(describe(type))")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw DeepBayesError.invalidFile(path: path, reason: "\(description)'s field '\(fieldPath(context.codingPath))' is not valid: \(context.debugDescription)")
        } catch {
            throw DeepBayesError.invalidFile(path: path, reason: "\(description) in the metadata is not valid JSON")
        }
    }

    /// `prior.sigma1`, `hidden[1]`: a field's place in the description.
    static func fieldPath(_ path: [any CodingKey]) -> String {
        path.reduce("") { text, key in key.intValue.map { text + "[\($0)]" } ?? (text.isEmpty ? key.stringValue : text + "." + key.stringValue) }
    }

    /// "a number", "a string", ... for a type a field should have had.
    static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is UInt64.Type, is Float.Type, is Double.Type: return "a number"
        case is [Int].Type: return "an array of numbers"
        case is Bool.Type: return "true or false"
        default: return "of the expected kind"
        }
    }
}
