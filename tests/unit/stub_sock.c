/*
 * A stand-in for shim/socket.c's sock_exit_linger, for the shim tests
 * that link shim/proc.c without the network stack: it counts calls.
 */
void sock_exit_linger(void);

int stub_sock_lingers;

void
sock_exit_linger(void)
{
	stub_sock_lingers++;
}
