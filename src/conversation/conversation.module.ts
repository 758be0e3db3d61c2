import { Module } from '@nestjs/common';

import { SystemInstructionBuilder } from 'src/conversation/system-instruction.builder';

/**
 * What the chat engine and the phone bridge share: the session state and model turns both store, lead capture, the
 * system instruction (with its canary), the leak check on assistant output and the framing of knowledge passages as
 * untrusted data. One builder per process, so both channels carry the same canary.
 */
@Module({
  providers: [SystemInstructionBuilder],
  exports: [SystemInstructionBuilder],
})
export class ConversationModule {}
