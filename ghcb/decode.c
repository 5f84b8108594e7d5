/*
 * The x86-64 decoder for the instructions the #VC handler emulates, and
 * nothing else: every other instruction decodes as VC_K_UNKNOWN.  Input
 * is up to 15 bytes fetched at RIP; the decoder never reads past n and
 * reports the instruction's length.  Fuzzed by tests/fuzz/fuzz_vc_decode.
 *
 * Forms ([APM] vol. 3, "Instruction Encoding"; one table, so this file is
 * longer than most):
 *   0F A2 cpuid, 0F 31 rdtsc, 0F 01 F9 rdtscp, 0F 32 rdmsr, 0F 30 wrmsr,
 *   0F 01 D9 vmmcall, 0F 09 wbinvd, 0F 21/23 mov from/to DR7;
 *   E4/E5/EC/ED in, E6/E7/EE/EF out, 6C/6D ins, 6E/6F outs (F3 rep);
 *   MMIO: 88/89/8A/8B mov, C6/C7 mov imm, A0-A3 mov moffs,
 *   0F B6/B7 movzx, 0F BE/BF movsx, with legacy prefixes (66, 67, F2,
 *   F3, F0, segment), REX, ModRM, SIB and disp8/disp32.
 */
#include "ghcb/internal.h"

struct cursor {
	const uint8_t *b;
	size_t n, i;
	bool bad;
};

static uint8_t
next(struct cursor *c)
{
	if (c->i >= c->n) {
		c->bad = true;
		return 0;
	}
	return c->b[c->i++];
}

static uint64_t
next_le(struct cursor *c, unsigned bytes)
{
	uint64_t v = 0;

	for (unsigned k = 0; k < bytes; k++)
		v |= (uint64_t)next(c) << (8 * k);
	return v;
}

static int64_t
sext(uint64_t v, unsigned bytes)
{
	unsigned shift = 64 - 8 * bytes;

	return bytes >= 8 ? (int64_t)v : (int64_t)(v << shift) >> shift;
}

/* ModRM (+ SIB + displacement); memory forms only unless reg_ok. */
static bool
modrm(struct cursor *c, struct vc_insn *o, bool reg_ok, int *rm_reg)
{
	uint8_t m = next(c), mod = m >> 6, rm = m & 7;

	o->reg = ((m >> 3) & 7) | ((o->rex & 4) ? 8 : 0);
	if (mod == 3) {
		*rm_reg = rm | ((o->rex & 1) ? 8 : 0);
		return reg_ok && !c->bad;
	}
	o->has_mem = true;
	if (rm == 4) {
		uint8_t sib = next(c);
		int idx = ((sib >> 3) & 7) | ((o->rex & 2) ? 8 : 0);

		o->scale = (uint8_t)(1u << (sib >> 6));
		o->index = idx == 4 ? -1 : idx;
		if ((sib & 7) == 5 && mod == 0) {
			o->base = -1;
			o->disp = sext(next_le(c, 4), 4);
		} else {
			o->base = (sib & 7) | ((o->rex & 1) ? 8 : 0);
		}
	} else if (rm == 5 && mod == 0) {
		o->rip_rel = true;
		o->disp = sext(next_le(c, 4), 4);
	} else {
		o->base = rm | ((o->rex & 1) ? 8 : 0);
	}
	if (mod == 1)
		o->disp = sext(next(c), 1);
	else if (mod == 2)
		o->disp = sext(next_le(c, 4), 4);
	return !c->bad;
}

static enum vc_kind
decode_0f(struct cursor *c, struct vc_insn *o, unsigned osz)
{
	uint8_t op = next(c), b;
	int rm = -1;

	switch (op) {
	case 0xa2: return VC_K_CPUID;
	case 0x31: return VC_K_RDTSC;
	case 0x32: return VC_K_RDMSR;
	case 0x30: return VC_K_WRMSR;
	case 0x09: return VC_K_WBINVD;
	case 0x01:
		b = next(c);
		return b == 0xd9 ? VC_K_VMMCALL : b == 0xf9 ? VC_K_RDTSCP :
		    VC_K_UNKNOWN;
	case 0x21: case 0x23:
		/* mov r64, drN / mov drN, r64: always register form. */
		if (!modrm(c, o, true, &rm) || o->has_mem || o->reg != 7)
			return VC_K_UNKNOWN;
		o->reg = rm;
		o->opsize = 8;
		return op == 0x21 ? VC_K_MOV_FROM_DR : VC_K_MOV_TO_DR;
	case 0xb6: case 0xb7: case 0xbe: case 0xbf:
		if (!modrm(c, o, false, &rm))
			return VC_K_UNKNOWN;
		o->opsize = (op & 1) ? 2 : 1;
		o->dstsize = (uint8_t)osz;
		return op >= 0xbe ? VC_K_MMIO_LOAD_SX : VC_K_MMIO_LOAD_ZX;
	default:
		return VC_K_UNKNOWN;
	}
}

static enum vc_kind
decode_op(struct cursor *c, struct vc_insn *o, uint8_t op, bool p66)
{
	unsigned osz = (o->rex & 8) ? 8 : p66 ? 2 : 4;
	unsigned iosz = p66 ? 2 : 4;	/* in/out: no 64-bit form */
	int rm = -1;

	switch (op) {
	case 0x0f:
		return decode_0f(c, o, osz);
	case 0xe4: case 0xe5: case 0xe6: case 0xe7:
		o->port_imm = true;
		o->imm = next(c);
		/* FALLTHROUGH */
	case 0xec: case 0xed: case 0xee: case 0xef:
		o->opsize = (uint8_t)((op & 1) ? iosz : 1);
		return (op & 2) ? VC_K_OUT : VC_K_IN;
	case 0x6c: case 0x6d: case 0x6e: case 0x6f:
		o->opsize = (uint8_t)((op & 1) ? iosz : 1);
		return (op & 2) ? VC_K_OUTS : VC_K_INS;
	case 0x88: case 0x89: case 0x8a: case 0x8b:
		if (!modrm(c, o, false, &rm))
			return VC_K_UNKNOWN;
		o->opsize = (uint8_t)((op & 1) ? osz : 1);
		return (op & 2) ? VC_K_MMIO_LOAD : VC_K_MMIO_STORE;
	case 0xc6: case 0xc7:
		if (!modrm(c, o, false, &rm) || (o->reg & 7) != 0)
			return VC_K_UNKNOWN;
		o->opsize = (uint8_t)((op & 1) ? osz : 1);
		/* imm8, imm16, or imm32 (sign-extended for 64-bit stores). */
		o->imm = (uint64_t)sext(next_le(c, o->opsize > 4 ? 4 :
		    o->opsize), o->opsize > 4 ? 4 : o->opsize);
		return VC_K_MMIO_STORE_IMM;
	case 0xa0: case 0xa1: case 0xa2: case 0xa3:
		o->opsize = (uint8_t)((op & 1) ? osz : 1);
		o->imm = next_le(c, o->addrsize);
		return (op & 2) ? VC_K_MMIO_MOFFS_STORE : VC_K_MMIO_MOFFS_LOAD;
	default:
		return VC_K_UNKNOWN;
	}
}

/* 0 and *out filled, or -1 (unknown form, or more bytes than n / 15). */
int
vc_decode(const uint8_t *b, size_t n, struct vc_insn *o)
{
	struct cursor c = { b, n < VC_INSN_MAX ? n : VC_INSN_MAX, 0, false };
	bool p66 = false, prefix = true;
	uint8_t op = 0;

	*o = (struct vc_insn){ .base = -1, .index = -1, .addrsize = 8,
	    .scale = 1 };
	while (prefix && !c.bad) {
		op = next(&c);
		switch (op) {
		case 0x66: p66 = true; break;
		case 0x67: o->addrsize = 4; break;
		case 0xf3: o->rep = true; break;
		case 0xf2: case 0xf0: break;
		case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64:
		case 0x65: o->seg = op; break;
		default: prefix = false; break;
		}
	}
	if (c.bad)
		return -1;
	if ((op & 0xf0) == 0x40) {	/* REX: only right before the opcode */
		o->rex = op;
		op = next(&c);
	}
	o->kind = decode_op(&c, o, op, p66);
	if (c.bad || o->kind == VC_K_UNKNOWN) {
		o->kind = VC_K_UNKNOWN;
		return -1;
	}
	/* AH/CH/DH/BH: a byte register 4..7 without any REX prefix. */
	o->byte_reg_high = o->rex == 0 && o->opsize == 1 && o->reg >= 4 &&
	    o->reg <= 7 && (o->kind == VC_K_MMIO_STORE ||
	    o->kind == VC_K_MMIO_LOAD);
	o->len = (uint8_t)c.i;
	return 0;
}

/* Exit codes the handler emulates; any other #VC ends the guest. */
bool
vc_exit_known(uint64_t exit_code)
{
	switch (exit_code) {
	case SVM_EXIT_CPUID: case SVM_EXIT_RDTSC: case SVM_EXIT_RDTSCP:
	case SVM_EXIT_MSR: case SVM_EXIT_VMMCALL: case SVM_EXIT_WBINVD:
	case SVM_EXIT_READ_DR7: case SVM_EXIT_WRITE_DR7: case SVM_EXIT_IOIO:
	case SVM_EXIT_NPF:
		return true;
	default:
		return false;
	}
}

bool
vc_insn_matches(uint64_t exit_code, const struct vc_insn *in)
{
	switch (exit_code) {
	case SVM_EXIT_CPUID: return in->kind == VC_K_CPUID;
	case SVM_EXIT_RDTSC: return in->kind == VC_K_RDTSC;
	case SVM_EXIT_RDTSCP: return in->kind == VC_K_RDTSCP;
	case SVM_EXIT_MSR:
		return in->kind == VC_K_RDMSR || in->kind == VC_K_WRMSR;
	case SVM_EXIT_VMMCALL: return in->kind == VC_K_VMMCALL;
	case SVM_EXIT_WBINVD: return in->kind == VC_K_WBINVD;
	case SVM_EXIT_READ_DR7: return in->kind == VC_K_MOV_FROM_DR;
	case SVM_EXIT_WRITE_DR7: return in->kind == VC_K_MOV_TO_DR;
	case SVM_EXIT_IOIO:
		return in->kind == VC_K_IN || in->kind == VC_K_OUT ||
		    in->kind == VC_K_INS || in->kind == VC_K_OUTS;
	case SVM_EXIT_NPF:
		return in->kind >= VC_K_MMIO_STORE &&
		    in->kind <= VC_K_MMIO_MOFFS_STORE;
	default:
		return false;
	}
}
