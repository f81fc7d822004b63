import DeepBayesBackends

/// The `deepbayes` command line as a library, so that a program can ship it with backends of
/// its own compiled in: `DeepBayesCLI.main(registry: BackendRegistry([MyBackend.factory]))`.
/// Help and error texts list the registry's backends.
public enum DeepBayesCLI {
    /// The registry every command reads; set once by `main` before the arguments are parsed.
    nonisolated(unsafe) static var registry = BackendRegistry([])

    /// Parses `arguments` (nil: the process's own) and runs the command on `registry`; exits
    /// the process with the command's status on failure.
    public static func main(registry: BackendRegistry = standardRegistry, arguments: [String]? = nil) {
        self.registry = registry
        DeepBayesCommand.main(arguments)
    }
}
