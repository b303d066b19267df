/** Exit code for a configuration error (sysexits EX_CONFIG): the orchestrator must not retry blindly. */
export const EXIT_CONFIG = 78;
