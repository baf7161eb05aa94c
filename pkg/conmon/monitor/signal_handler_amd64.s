//go:build !pod_ossignal

#include "textflag.h"

// sigHandler is a C-ABI signal handler (the signal number in DI): it sets
// the signal's bit in sigPending and writes sigWakeVal to sigWakeFd.
// The kernel restores every register through sigRestorer.
TEXT ·sigHandler(SB), NOSPLIT|NOFRAME, $0-0
	MOVL	DI, CX
	MOVL	$1, AX
	SHLL	CX, AX
	LOCK
	ORL	AX, ·sigPending(SB)
	MOVL	·sigWakeFd(SB), DI
	LEAQ	·sigWakeVal(SB), SI
	MOVL	$8, DX
	MOVL	$1, AX  // SYS_write
	SYSCALL
	RET

// sigRestorer returns from the handler (SA_RESTORER).
TEXT ·sigRestorer(SB), NOSPLIT|NOFRAME, $0-0
	MOVL	$15, AX // SYS_rt_sigreturn
	SYSCALL
	INT	$3

TEXT ·sigHandlerPC(SB), NOSPLIT, $0-8
	LEAQ	·sigHandler(SB), AX
	MOVQ	AX, ret+0(FP)
	RET

TEXT ·sigRestorerPC(SB), NOSPLIT, $0-8
	LEAQ	·sigRestorer(SB), AX
	MOVQ	AX, ret+0(FP)
	RET
