import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one structured JSON logger (AWS Lambda Powertools). Service name and level come from
 * POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL. Handlers set the correlation id per request.
 * Never pass a token, an email address or a person's name to it: log ids and outcomes only.
 */
export const logger = new Logger();
