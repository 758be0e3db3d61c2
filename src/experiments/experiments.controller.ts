import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { ExperimentResultsDto } from 'src/experiments/dto/experiment-results.dto';
import { ExperimentsService } from 'src/experiments/experiments.service';

@ApiTags('admin: experiments')
@AdminOnly()
@Controller('admin/business/:id/experiments')
export class ExperimentsController {
  constructor(private readonly experiments: ExperimentsService) {}

  @Get(':experiment_id/results')
  @ApiOperation({
    summary:
      'Per variant: sessions exposed, conversions, rate and difference to control with intervals, P(beats control), and a sample-ratio check',
  })
  @ApiParam({ name: 'id', example: 'goaccel-website' })
  @ApiParam({ name: 'experiment_id', example: 'greeting_test' })
  @ApiOkResponse({ type: ExperimentResultsDto })
  @ApiNotFoundResponse({ description: 'Unknown business (TENANT.NOT_FOUND) or experiment (EXPERIMENTS.NOT_FOUND)' })
  getExperimentResults(
    @Param('id') id: string,
    @Param('experiment_id') experimentId: string,
  ): Promise<ExperimentResultsDto> {
    return this.experiments.experimentResults(id, experimentId);
  }
}
