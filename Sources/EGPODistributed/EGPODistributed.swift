/// The policy (a Llama-style transformer) and the EGPO algorithm that trains it.
public enum EGPODistributed {}
