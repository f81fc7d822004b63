import DeepBayesCore
import Foundation

/// Finds the datasets shipped in the repository's `Data/` folder (`Data/mnist`,
/// `Data/fashion-mnist`), whatever the working directory.
///
/// Search order (see `ResourceDirectories`): `$DEEPBAYES_DATA` (a folder laid out like `Data/`);
/// then `Data/` in the executable's directory and each of its ancestors (so
/// `.build/release/deepbayes` finds the checkout's `Data/`); then the source tree this module
/// was built from.
public enum DataDirectory {
    /// The candidate `Data/` directories, in search order.
    public static var searchDirectories: [URL] {
        ResourceDirectories.candidates(named: "Data", environmentVariable: "DEEPBAYES_DATA")
    }

    /// `<Data>/<name>` (for example `locate("mnist")`) from the first candidate that has it;
    /// `DeepBayesError.invalidFile` listing the places searched if none has.
    public static func locate(_ name: String) throws -> URL {
        let directories = searchDirectories
        for directory in directories {
            let candidate = directory.appendingPathComponent(name, isDirectory: true)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue {
                return candidate
            }
        }
        throw DeepBayesError.invalidFile(path: "Data/\(name)", reason: "no such directory; searched \(directories.map(\.path).joined(separator: ", ")) (set DEEPBAYES_DATA to the Data directory)")
    }
}
