import DeepBayesCore
import Foundation

/// Finds the datasets shipped in the repository's `Data/` folder (`Data/mnist`,
/// `Data/fashion-mnist`), whatever the working directory.
///
/// Search order (see `ResourceDirectories`): `$DEEPBAYES_DATA` alone when set (a folder laid
/// out like `Data/`; a missing one is an error); else `Data/` beside the executable, in its
/// install prefix, and in the source tree this module was built from.
public enum DataDirectory {
    /// The candidate `Data/` directories, in search order.
    public static func searchDirectories() throws -> [URL] {
        try ResourceDirectories.candidates(named: "Data", environmentVariable: "DEEPBAYES_DATA")
    }

    /// `<Data>/<name>` (for example `locate("mnist")`) from the first candidate that has it;
    /// `DeepBayesError.invalidFile` listing the places searched if none has.
    public static func locate(_ name: String) throws -> URL {
        let directories = try searchDirectories()
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
