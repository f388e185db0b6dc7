/// The task world: BFCL data, output decoders, the AST checker, rewards and synthetic tasks.
public enum FunctionCalling {}
