import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';

import { AdminOnly } from 'src/common/auth/admin-api-key.guard';
import { toContactDto, toContactNoteDto, toDealDto, toOutboxItemDto } from 'src/crm/crm.mapper';
import { CrmConfigService } from 'src/crm/crm-config.service';
import { CrmRecordsService } from 'src/crm/crm-records.service';
import { CrmConfigResponseDto, CrmPipelineDto, CrmTestResponseDto, PutCrmConfigDto } from 'src/crm/dto/crm-config.dto';
import {
  CrmContactDto,
  CrmContactNoteDto,
  CrmDealDto,
  CrmListQueryDto,
  CrmOutboxItemDto,
  CrmOutboxQueryDto,
} from 'src/crm/dto/crm-records.dto';
import { CrmOutboxService } from 'src/crm/outbox/crm-outbox.service';

@ApiTags('admin-crm')
@AdminOnly()
@ApiParam({ name: 'id', example: 'goaccel-website', description: 'Business id' })
@ApiNotFoundResponse({ description: 'Unknown business' })
@Controller('admin/business/:id/crm')
export class CrmController {
  constructor(
    private readonly configs: CrmConfigService,
    private readonly records: CrmRecordsService,
    private readonly outbox: CrmOutboxService,
  ) {}

  @Put()
  @ApiOperation({ summary: "Connect or replace the business's CRM; credentials are validated per type and encrypted" })
  @ApiOkResponse({ type: CrmConfigResponseDto })
  @ApiBadRequestResponse({ description: 'A field is missing or invalid for this CRM type; the message names it' })
  putCrmConfig(@Param('id') id: string, @Body() body: PutCrmConfigDto): Promise<CrmConfigResponseDto> {
    return this.configs.put(id, body);
  }

  @Get()
  @ApiOperation({ summary: "The business's CRM connection with every secret redacted" })
  @ApiOkResponse({ type: CrmConfigResponseDto })
  getCrmConfig(@Param('id') id: string): Promise<CrmConfigResponseDto> {
    return this.configs.get(id);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Disconnect the CRM; the business falls back to the builtin CRM' })
  @ApiNoContentResponse({ description: 'Disconnected' })
  deleteCrmConfig(@Param('id') id: string): Promise<void> {
    return this.configs.remove(id);
  }

  @Post('test')
  @HttpCode(200)
  @ApiOperation({ summary: "Run the CRM's connection test and report its answer in plain words" })
  @ApiOkResponse({ type: CrmTestResponseDto })
  testCrmConnection(@Param('id') id: string): Promise<CrmTestResponseDto> {
    return this.configs.test(id);
  }

  @Get('pipelines')
  @ApiOperation({ summary: "Deal pipelines and stages of the business's CRM" })
  @ApiOkResponse({ type: [CrmPipelineDto] })
  listCrmPipelines(@Param('id') id: string): Promise<CrmPipelineDto[]> {
    return this.configs.pipelines(id);
  }

  @Get('contacts')
  @ApiOperation({
    summary: 'Contacts of the builtin CRM and local mirrors of contacts written to a remote CRM, newest first',
  })
  @ApiOkResponse({ type: [CrmContactDto] })
  async listCrmContacts(@Param('id') id: string, @Query() q: CrmListQueryDto): Promise<CrmContactDto[]> {
    return (await this.records.contacts(id, q.limit ?? 50, q.before)).map(toContactDto);
  }

  @Get('contacts/:contactId/notes')
  @ApiOperation({
    summary: 'Notes on a builtin CRM contact, oldest first: details unverified visitors gave that differ from it',
  })
  @ApiParam({
    name: 'contactId',
    description: 'The contact row id from the contacts listing',
    example: 'b3c1f6a2-3f0e-4d7c-9a55-0f1c2d3e4f50',
  })
  @ApiOkResponse({ type: [CrmContactNoteDto] })
  async listCrmContactNotes(
    @Param('id') id: string,
    @Param('contactId', new ParseUUIDPipe()) contactId: string,
  ): Promise<CrmContactNoteDto[]> {
    return (await this.records.contactNotes(id, contactId)).map(toContactNoteDto);
  }

  @Get('deals')
  @ApiOperation({
    summary: 'Deals of the builtin CRM and local mirrors of remote deals (stage kept current by webhooks)',
  })
  @ApiOkResponse({ type: [CrmDealDto] })
  async listCrmDeals(@Param('id') id: string, @Query() q: CrmListQueryDto): Promise<CrmDealDto[]> {
    return (await this.records.deals(id, q.limit ?? 50, q.before)).map(toDealDto);
  }

  @Get('outbox')
  @ApiOperation({ summary: 'CRM writes and their delivery state (pending, processing, done, failed), newest first' })
  @ApiOkResponse({ type: [CrmOutboxItemDto] })
  async listCrmOutbox(@Param('id') id: string, @Query() q: CrmOutboxQueryDto): Promise<CrmOutboxItemDto[]> {
    return (await this.outbox.list(id, q.limit ?? 50, q.status)).map(toOutboxItemDto);
  }

  @Post('outbox/:itemId/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry a failed (or waiting) CRM write now, with a fresh retry budget' })
  @ApiParam({ name: 'itemId', example: 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b' })
  @ApiOkResponse({ type: CrmOutboxItemDto })
  async retryCrmOutboxItem(
    @Param('id') id: string,
    @Param('itemId', new ParseUUIDPipe()) itemId: string,
  ): Promise<CrmOutboxItemDto> {
    return toOutboxItemDto(await this.outbox.retry(id, itemId));
  }
}
