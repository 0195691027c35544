/** Stand-in for the httpbin images (kong/httpbin, kennethreitz/httpbin, mccutchen/go-httpbin). */
import { serve } from '../shared/serve.js';
import { handle } from './routes.js';

serve('httpbin', 80, handle);
