import DeepBayesBackends
import DeepBayesCLI

// The shipped command line: the built-in backends and every plugin found at start.
DeepBayesCLI.main(registry: standardRegistry)
