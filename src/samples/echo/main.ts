/** Stand-in for mendhak/http-https-echo: any method and path answers with the request as JSON. */
import { serve, sampleEnv } from '../shared/serve.js';
import { echoHandler } from './echo.js';

const env = sampleEnv(8080);
serve('echo', 8080, echoHandler({ podName: env.podName, env: process.env }));
