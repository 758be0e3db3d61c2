import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';

import { AdminAccess } from 'src/common/auth/admin-access.policy';
import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { RunTestsDto, SimulateDto } from 'src/simulation/dto/simulate.dto';
import { SimulationResponseDto, TestRunResponseDto } from 'src/simulation/dto/simulation-responses.dto';
import { SimulationService } from 'src/simulation/simulation.service';

@ApiTags('admin: simulation')
@AdminOnly()
// Both run conversations that write nothing: a viewer may use them, and the audit log (of writes) skips them.
@AdminAccess({ readOnly: true })
@Controller('admin/business/:id')
export class SimulationController {
  constructor(private readonly simulation: SimulationService) {}

  @Post('simulate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a conversation against the saved config or a draft, writing nothing, and trace every turn',
    description:
      'The real chat pipeline runs (intent, sentiment, rules, flows, guards, retrieval, the model and its CRM tools), but no session, transcript, analytics event, hand-off, webhook, response-cache entry or CRM write is made: CRM tools answer from a dry run that reports what it would have written. Open to viewer keys.',
  })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: SimulationResponseDto })
  @ApiBadRequestResponse({
    description:
      'Bad body, a turn /chat would refuse (SIMULATION.INVALID_TURN) or an invalid draft (TENANT.INVALID_CONFIG)',
  })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  simulate(@Param('id') id: string, @Body() dto: SimulateDto): Promise<SimulationResponseDto> {
    return this.simulation.simulate(id, dto.turns, dto.config);
  }

  @Post('tests/run')
  @HttpCode(200)
  @ApiOperation({
    summary: "Run the business's conversation tests (all, or those named), each a fresh simulated conversation",
    description:
      'Pass or fail per step with expected against actual. Writes nothing, like simulate. Open to viewer keys.',
  })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiOkResponse({ type: TestRunResponseDto })
  @ApiBadRequestResponse({ description: 'A name that is not a test (SIMULATION.UNKNOWN_TEST) or an invalid draft' })
  @ApiNotFoundResponse({ description: 'Unknown business' })
  runTests(@Param('id') id: string, @Body() dto: RunTestsDto): Promise<TestRunResponseDto> {
    return this.simulation.runTests(id, dto.names, dto.config);
  }
}
